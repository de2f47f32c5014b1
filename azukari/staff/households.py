"""Household work at the counter: find, edit contact details, DV flag, upcoming bookings (never commits)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.booking.models import Facility, Reservation, Unit
from azukari.registration.models import Child, Household
from azukari.registration.phone import to_e164
from azukari.registration.service import HouseholdNotFound

# Why a DV flag changes: a fixed list, so the audit trail records a reason without free text
# (free text would invite names and circumstances into an append-only log).
DV_REASONS = {
    "support_measure": "住民基本台帳の支援措置の対象",
    "agency_request": "相談機関・警察からの依頼",
    "guardian_request": "保護者本人からの申出",
    "measure_ended": "支援措置の終了",
    "entered_in_error": "誤登録の訂正",
}


class FormError(ValueError):
    """A form value staff must correct; the message is shown as is (Japanese)."""


@dataclass(frozen=True)
class UpcomingBooking:
    reservation_id: int
    day: dt.date
    starts: str
    ends: str
    facility_name: str
    child_name: str
    fee: int


def get(session: Session, household_pk: int) -> Household:
    household = session.get(Household, household_pk)
    if household is None:
        raise HouseholdNotFound(household_pk)
    return household


def find(session: Session, *, query: str) -> list[Household]:
    """By household ID (digits) or by the guardian's reading (kana prefix); at most 20."""
    text = " ".join(query.split())
    if not text:
        return []
    if text.isdigit():
        return list(session.scalars(select(Household).where(Household.household_id == text)))
    return list(session.scalars(select(Household).where(Household.guardian_kana.startswith(text))
                                .order_by(Household.guardian_kana).limit(20)))


def update_contact(session: Session, *, household: Household, guardian_name: str, guardian_kana: str, phone: str,
                   address: str, now: dt.datetime) -> list[str]:
    """Apply the edit; returns the names of the fields that changed (for the audit, never their values)."""
    if not guardian_name.strip() or not guardian_kana.strip() or not address.strip():
        raise FormError("保護者氏名・フリガナ・住所は必須です")
    try:
        e164 = to_e164(phone)
    except ValueError as error:
        raise FormError("電話番号を確認してください") from error
    new = {"guardian_name": guardian_name.strip(), "guardian_kana": " ".join(guardian_kana.split()),
           "phone": e164, "address": address.strip()}
    changed = [name for name, value in new.items() if getattr(household, name) != value]
    for name in changed:
        setattr(household, name, new[name])
    if changed:
        household.updated_at = now
    session.flush()
    return changed


def set_dv(session: Session, *, household: Household, flag: bool, reason: str, now: dt.datetime) -> None:
    if reason not in DV_REASONS:
        raise FormError("DV設定の理由を選んでください")
    household.dv_flag = flag
    household.updated_at = now
    session.flush()


def upcoming(session: Session, *, household_pk: int, now: dt.datetime) -> list[UpcomingBooking]:
    rows = session.execute(
        select(Reservation, Unit, Facility, Child).join(Unit, Reservation.unit_id == Unit.id)
        .join(Facility, Reservation.facility_id == Facility.id).join(Child, Reservation.child_id == Child.id)
        .where(Reservation.household_pk == household_pk, Reservation.status == "booked", Reservation.ends_at > now)
        .order_by(Reservation.starts_at, Reservation.id))
    return [UpcomingBooking(r.id, r.day, u.starts, u.ends, f.name, c.name, r.fee) for r, u, f, c in rows]


def booking_number_of(session: Session, *, household_pk: int, reservation_id: int) -> str | None:
    """The number the booking service cancels by; never shown on a page."""
    return session.scalar(select(Reservation.booking_number).where(
        Reservation.id == reservation_id, Reservation.household_pk == household_pk))
