"""Erasure: the retention purge, calling numbers pseudonymised, export and erase-all at a contract's end."""
