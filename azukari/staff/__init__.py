"""The staff console: escalations, households, rosters, accounts, audit and retention."""
