"""The parents' web pages (contract §8): availability without sign-in, then book, cancel, wait and take offers.

The third channel, beside `ivr` and `staff`: it calls the booking core as the phone does and imports
neither of them.
"""
