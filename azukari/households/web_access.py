"""Web passwords: made at registration, import or reissue (printed on the letter), argon2 like the PINs.

Shared by the staff console (reissue, turn off/on) and the parents' web pages (sign-in, change), so it
lives below both channels.
"""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.households.models import WebAccess
from azukari.households.pins import DUMMY_HASH, hash_pin, verify_pin

# No 0/O, 1/l/I: the letter's password is typed from paper, often on a phone.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LETTER_LENGTH = 12


def new_letter_password() -> str:
    """12 characters from 56 (about 70 bits): a first password for the letter, changed at first sign-in."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(LETTER_LENGTH))


def of(session: Session, *, household_pk: int) -> WebAccess | None:
    return session.scalar(select(WebAccess).where(WebAccess.household_pk == household_pk))


def issue(session: Session, *, household_pk: int, now: dt.datetime) -> str:
    """A new first password for the household (the old one stops working); returns it once, for the letter.

    Reissuing keeps web access off if staff turned it off: a new letter is not a way round that.
    """
    password = new_letter_password()
    access = of(session, household_pk=household_pk)
    if access is None:
        access = WebAccess(household_pk=household_pk, enabled=True)
        session.add(access)
    access.password_hash = hash_pin(password)
    access.must_change = True
    access.issued_at = now
    access.changed_at = None
    session.flush()
    return password


def set_enabled(session: Session, *, household_pk: int, enabled: bool, now: dt.datetime) -> bool:
    """Turn the household's web access on or off; False when it has no web password yet (nothing to turn)."""
    access = of(session, household_pk=household_pk)
    if access is None:
        return False
    access.enabled = enabled
    session.flush()
    return True


def check(access: WebAccess | None, password: str) -> bool:
    """The password against the stored hash; with no usable row, a dummy hash costs the same time."""
    usable = access is not None and access.enabled
    stored = access.password_hash if access is not None and usable else DUMMY_HASH
    matched = verify_pin(stored, password)
    return usable and matched


def change(access: WebAccess, *, password: str, now: dt.datetime) -> None:
    access.password_hash = hash_pin(password)
    access.must_change = False
    access.changed_at = now
