"""Households and their children: the registration record every other floor reads (models, numbers, PINs)."""
