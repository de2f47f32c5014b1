"""Registrations: households and their children, as typed in from the paper form."""
