"""Registration kept by staff: a new household, a sibling, a new PIN, renewal, contact details, the DV flag."""
from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from azukari.booking import service as booking
from azukari.booking import waitlist
from azukari.booking.models import Reservation
from azukari.booking.repository import LIVE
from azukari.booking.rules import BookingRefusal
from azukari.clock import tokyo_date
from azukari.households.models import Child, Household, HouseholdNotFound
from azukari.households.phone import to_e164
from azukari.households.pins import hash_pin
from azukari.identity.stored_keys import forget_child_keys, store_household_keys
from azukari.oversight import audit
from azukari.registration.duplicates import end_pairs, record_pairs
from azukari.registration.households_csv import ChildRow, check_child
from azukari.registration.importer import is_same_child

# Why a DV flag changes: a fixed list, so the audit trail records a reason without free text
# (free text would invite names and circumstances into an append-only log).
DV_REASONS = {
    "support_measure": "住民基本台帳の支援措置の対象",
    "agency_request": "相談機関・警察からの依頼",
    "guardian_request": "保護者本人からの申出",
    "measure_ended": "支援措置の終了",
    "entered_in_error": "誤登録の訂正",
}


class InvalidContact(ValueError):
    """Contact details that cannot be kept; `columns` name them (guardian_name, guardian_kana, phone, address)."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        super().__init__(", ".join(columns))


class UnknownDvReason(ValueError):
    """A DV flag change needs one of DV_REASONS."""


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
                       now: dt.datetime, registered_facility: int | None = None,
                       interviewed_on: dt.date | None = None) -> tuple[Household, str]:
    """A new household with a fresh 8-digit household ID; returns it and its PIN, shown once and stored hashed.

    Raises InvalidContact, InvalidChild (the importer's checks), or ValueError for an impossible phone number.
    """
    if not children:
        raise ValueError("a registration needs at least one child")
    if not guardian_name.strip() or not guardian_kana.strip() or not address.strip():
        raise InvalidContact([c for c, v in (("guardian_name", guardian_name), ("guardian_kana", guardian_kana),
                                             ("address", address)) if not v.strip()])
    checked = [_checked(entry, today=tokyo_date(now)) for entry in children]
    pin = _new_pin()
    household = Household(
        household_id=_new_household_id(session), pin_hash=hash_pin(pin), guardian_name=guardian_name.strip(),
        guardian_kana=" ".join(guardian_kana.split()), phone=to_e164(phone), address=address.strip(),
        registered_on=registered_on, dv_flag=dv_flag, created_at=now, updated_at=now,
        registered_facility=registered_facility, interviewed_on=interviewed_on,
        children=[Child(name=c.name, kana=c.kana, birthdate=c.birthdate, sex=c.sex) for c in checked])
    session.add(household)
    session.flush()
    _keep_match_keys(session, household)
    record_pairs(session, [c.id for c in household.children], now=now)
    return household, pin


def add_child(session: Session, *, household_pk: int, entry: ChildEntry, now: dt.datetime) -> Child:
    """A sibling joins a registered household; raises InvalidChild or DuplicateChild and then adds nothing."""
    household = get_household(session, household_pk)
    child = _checked(entry, today=tokyo_date(now))
    twin = next((c for c in household.children
                 if is_same_child(c, name=child.name, kana=child.kana, birthdate=child.birthdate)), None)
    if twin is not None:
        raise DuplicateChild(twin.id)
    added = Child(name=child.name, kana=child.kana, birthdate=child.birthdate, sex=child.sex)
    household.children.append(added)
    household.updated_at = now
    session.flush()
    _keep_match_keys(session, household)
    record_pairs(session, [added.id], now=now)
    return added


def reissue_pin(session: Session, *, household_pk: int, now: dt.datetime) -> str:
    """A new phone PIN for a parent who lost theirs; the old one stops working. Returned once, stored hashed."""
    household = get_household(session, household_pk)
    pin = _new_pin()
    household.pin_hash = hash_pin(pin)
    household.updated_at = now
    session.flush()
    return pin


def renew(session: Session, *, household_pk: int, today: dt.date) -> Household:
    """Renewal at the counter: the registration is valid for another year from today."""
    household = get_household(session, household_pk)
    household.registered_on = today
    session.flush()
    return household


def get_household(session: Session, household_pk: int) -> Household:
    """The household by its internal key, or HouseholdNotFound (an erased one included)."""
    household = session.get(Household, household_pk)
    if household is None:
        raise HouseholdNotFound(household_pk)
    return household


def by_household_ids(session: Session, household_ids: Iterable[str]) -> dict[str, Household]:
    """Households by the 世帯ID staff know them by."""
    wanted = sorted(set(household_ids))
    if not wanted:
        return {}
    return {h.household_id: h for h in session.scalars(select(Household).where(Household.household_id.in_(wanted)))}


def sibling_by_birthdate(session: Session, *, household_pk: int, birthdate: dt.date,
                         current_child_id: int) -> int | None:
    """A child of this household born on `birthdate`: another one than the current child if there is one (twins)."""
    found = list(session.scalars(select(Child.id).where(
        Child.household_pk == household_pk, Child.birthdate == birthdate, Child.removed_at.is_(None))
        .order_by(Child.id)))
    others = [child_id for child_id in found if child_id != current_child_id]
    chosen = others or found
    return chosen[0] if chosen else None


def update_contact(session: Session, *, household_pk: int, guardian_name: str, guardian_kana: str, phone: str,
                   address: str, now: dt.datetime) -> list[audit.Change]:
    """Apply an edit; returns the fields that changed, with their values before and after (for the audit)."""
    household = get_household(session, household_pk)
    missing = [c for c, v in (("guardian_name", guardian_name), ("guardian_kana", guardian_kana),
                              ("address", address)) if not v.strip()]
    try:
        e164 = to_e164(phone)
    except ValueError:
        missing.append("phone")
    if missing:
        raise InvalidContact(missing)
    new = {"guardian_name": guardian_name.strip(), "guardian_kana": " ".join(guardian_kana.split()),
           "phone": e164, "address": address.strip()}
    changed = [audit.Change(name, getattr(household, name), value) for name, value in new.items()
               if getattr(household, name) != value]
    for change in changed:
        setattr(household, change.field, change.after)
    if changed:
        household.updated_at = now
    session.flush()
    _keep_match_keys(session, household)
    return changed


def set_dv(session: Session, *, household_pk: int, flag: bool, reason: str, now: dt.datetime) -> Household:
    if reason not in DV_REASONS:
        raise UnknownDvReason(reason)
    household = get_household(session, household_pk)
    household.dv_flag = flag
    household.updated_at = now
    session.flush()
    if flag:
        # Its open seat offers are withdrawn (the seats pass on) and its waiting places held for staff.
        waitlist.hold_for_staff(session, household_pk=household_pk, actor="system", now=now)
    return household


def _keep_match_keys(session: Session, household: Household) -> None:
    """Names and address as verification compares them, worked out now rather than on every call."""
    store_household_keys(session, household)


def _checked(entry: ChildEntry, *, today: dt.date) -> ChildRow:
    child, problems = check_child(name=entry.name, kana=entry.kana, birthdate=entry.birthdate.isoformat(),
                                  sex=entry.sex, today=today)
    if child is None:
        raise InvalidChild(problems)
    return child


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


class LastChild(ValueError):
    """A household keeps at least one child: erasing the household is the way to remove the last one."""


def correct_child(session: Session, *, household_pk: int, child_id: int, entry: ChildEntry,
                  now: dt.datetime) -> list[audit.Change]:
    """Staff correct a child's name, reading, birthdate or sex; the fields changed, before and after.

    The same checks as a CSV row (InvalidChild); DuplicateChild if it now equals a sibling. Match keys and
    search terms follow, and the child is looked for again among other households' children.
    """
    household = get_household(session, household_pk)
    child = next((c for c in household.children if c.id == child_id), None)
    if child is None:
        raise HouseholdNotFound(household_pk)
    checked = _checked(entry, today=tokyo_date(now))
    twin = next((c for c in household.children if c.id != child_id
                 and is_same_child(c, name=checked.name, kana=checked.kana, birthdate=checked.birthdate)), None)
    if twin is not None:
        raise DuplicateChild(twin.id)
    new = {"name": checked.name, "kana": checked.kana, "birthdate": checked.birthdate, "sex": checked.sex}
    changed = [audit.Change(field, getattr(child, field), value) for field, value in new.items()
               if getattr(child, field) != value]
    for change in changed:
        setattr(child, change.field, change.after)
    if changed:
        household.updated_at = now
        session.flush()
        _keep_match_keys(session, household)
        record_pairs(session, [child.id], now=now)
    return changed


def remove_child(session: Session, *, household_pk: int, child_id: int, now: dt.datetime,
                 actor: str = "staff") -> list[str]:
    """A child leaves the registration (moved away, registered by mistake); returns the booking numbers cancelled.

    The child's row stays, marked `removed_at`, with its bookings: the household's history (past bookings,
    no-shows) is kept, and the console shows them with the child marked as removed. For everything live the
    child is gone: no verification candidate (its match keys go), never a suspected duplicate (its open pairs
    end), and the booking core refuses it, a conversation verified before the removal included
    (`booking.repository.child_with_household`, `lock_child_day`). Its waiting places are taken off the
    list, a seat held for its offer passing on, and its future bookings are cancelled, each with the usual
    text to the number on file.

    The pairs are written first and then the child's row, the order a merge locks them; a booking of the
    child holding its row (PostgreSQL) is waited for, and then cancelled here with the others.
    """
    household = get_household(session, household_pk)
    child = next((c for c in household.children if c.id == child_id), None)
    if child is None:
        raise HouseholdNotFound(household_pk)
    if len(household.children) == 1:
        raise LastChild(child_id)
    end_pairs(session, child_id=child_id, now=now)
    child.removed_at = now
    household.updated_at = now
    session.flush()  # the row's UPDATE: from here no booking of the child can commit (PostgreSQL's row lock)
    session.expire(household, ["children"])  # the current children, read again without it
    forget_child_keys(session, child_id=child_id)
    waitlist.withdraw_child(session, child_id=child_id, actor=actor, now=now)
    return cancel_future_bookings(session, household_pk=household_pk, now=now, child_id=child_id)


def cancel_future_bookings(session: Session, *, household_pk: int, now: dt.datetime,
                           child_id: int | None = None) -> list[str]:
    """Cancel the household's (or one child's) bookings that have not started, as staff cancel them: the
    seat freed, the waiting list offered it, the usual text queued in the booking's language."""
    query = select(Reservation.booking_number, Reservation.language).where(
        Reservation.household_pk == household_pk, Reservation.status == LIVE, Reservation.starts_at > now)
    if child_id is not None:
        query = query.where(Reservation.child_id == child_id)
    done: list[str] = []
    for number, language in session.execute(query.order_by(Reservation.starts_at)).all():
        outcome = booking.cancel(session, household_pk=household_pk, booking_number=number, channel="staff",
                                 language=language, now=now)
        if not isinstance(outcome, BookingRefusal):
            done.append(number)
    return done
