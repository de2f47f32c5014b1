"""Registration entered by staff at the counter: a new household, a sibling added, a new PIN, renewal."""
from __future__ import annotations

import datetime as dt
import itertools
import secrets
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from azukari.registration.importer import check_child, is_same_child
from azukari.registration.models import Child, Household
from azukari.registration.phone import to_e164
from azukari.registration.pins import hash_pin
from azukari.settings import TOKYO


class HouseholdNotFound(LookupError):
    """No household has that primary key."""


class InvalidChild(ValueError):
    """A child's details fail the checks a CSV row gets; `problems` name the columns (child_*)."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems.items()))


class DuplicateChild(ValueError):
    """The household already has this child: the same birthdate and the same name or reading."""

    def __init__(self, child_id: int) -> None:
        self.child_id = child_id
        super().__init__(f"child {child_id} is already registered")


@dataclass(frozen=True)
class ChildEntry:
    name: str
    kana: str
    birthdate: dt.date
    sex: str = ""  # "M", "F" or ""


def register_household(session: Session, *, guardian_name: str, guardian_kana: str, phone: str, address: str,
                       children: list[ChildEntry], registered_on: dt.date, dv_flag: bool,
                       now: dt.datetime) -> tuple[Household, str]:
    """A new household with a fresh 8-digit household ID; returns it and its PIN, shown once and stored hashed.

    Raises ValueError for an impossible phone number, no children, or a sex other than M/F/empty.
    """
    if not children:
        raise ValueError("a registration needs at least one child")
    if any(child.sex not in ("M", "F", "") for child in children):
        raise ValueError("sex must be M, F or empty")
    pin = _new_pin()
    household = Household(
        household_id=_new_household_id(session), pin_hash=hash_pin(pin), guardian_name=guardian_name.strip(),
        guardian_kana=" ".join(guardian_kana.split()), phone=to_e164(phone), address=address.strip(),
        registered_on=registered_on, dv_flag=dv_flag, created_at=now, updated_at=now,
        children=[Child(name=c.name.strip(), kana=" ".join(c.kana.split()), birthdate=c.birthdate, sex=c.sex)
                  for c in children])
    session.add(household)
    session.flush()
    return household, pin


def add_child(session: Session, *, household_pk: int, entry: ChildEntry, now: dt.datetime) -> Child:
    """A sibling joins a registered household; raises InvalidChild or DuplicateChild and then adds nothing."""
    household = _household(session, household_pk)
    child, problems = check_child(name=entry.name, kana=entry.kana, birthdate=entry.birthdate.isoformat(),
                                  sex=entry.sex, today=now.astimezone(TOKYO).date())
    if child is None:
        raise InvalidChild(problems)
    twin = next((c for c in household.children
                 if is_same_child(c, name=child.name, kana=child.kana, birthdate=child.birthdate)), None)
    if twin is not None:
        raise DuplicateChild(twin.id)
    added = Child(name=child.name, kana=child.kana, birthdate=child.birthdate, sex=child.sex)
    household.children.append(added)
    household.updated_at = now
    session.flush()
    return added


def reissue_pin(session: Session, *, household_pk: int, now: dt.datetime) -> str:
    """A new phone PIN for a parent who lost theirs; the old one stops working. Returned once, stored hashed."""
    household = _household(session, household_pk)
    pin = _new_pin()
    household.pin_hash = hash_pin(pin)
    household.updated_at = now
    session.flush()
    return pin


def renew(session: Session, *, household_pk: int, today: dt.date) -> Household:
    """Renewal at the counter: the registration is valid for another year from today."""
    household = _household(session, household_pk)
    household.registered_on = today
    session.flush()
    return household


def _household(session: Session, household_pk: int) -> Household:
    household = session.get(Household, household_pk)
    if household is None:
        raise HouseholdNotFound(household_pk)
    return household


def _new_household_id(session: Session) -> str:
    # 90 million IDs: a collision is rare, and the unique index still guards against a race.
    while True:
        candidate = str(10_000_000 + secrets.randbelow(90_000_000))
        if not session.scalar(select(exists().where(Household.household_id == candidate))):
            return candidate


def _new_pin() -> str:
    # Refuse PINs a stranger would try first: one digit repeated, or a run like 1234 / 9876.
    while True:
        pin = f"{secrets.randbelow(10_000):04d}"
        steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
        if steps not in ({0}, {1}, {9}):
            return pin
