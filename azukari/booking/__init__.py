"""Facilities, availability, reservations and fees: pure rules plus a repository."""
