"""Tables of the booking core: facilities, units, the booking policy and reservations."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from azukari.db import Base, UTCDateTime, utcnow


class BookingPolicy(Base):
    """The `[booking]` and `[fees]` tables of facilities.toml; one row (id 1)."""

    __tablename__ = "booking_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    horizon_days: Mapped[int] = mapped_column(Integer, default=30)
    closed_on_public_holidays: Mapped[bool] = mapped_column(Boolean, default=True)
    fee_under_1: Mapped[int] = mapped_column(Integer, default=2000)
    fee_from_1: Mapped[int] = mapped_column(Integer, default=1500)
    # `[rules]` (contract §7); NULL means the ward has no such rule.
    cancel_days_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cancel_time: Mapped[str | None] = mapped_column(String(5), nullable=True)  # "17:00", Asia/Tokyo
    monthly_units_per_child: Mapped[int | None] = mapped_column(Integer, nullable=True)
    waitlist: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    offer_hours: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The window and the ward's calendar (contract §4, §7; rules.Calendar): "HH:MM" Asia/Tokyo.
    opens_at: Mapped[str] = mapped_column(String(5), default="00:00", server_default="00:00")
    same_day_until: Mapped[str | None] = mapped_column(String(5), nullable=True)
    closed_dates: Mapped[str] = mapped_column(Text, default="", server_default="")  # "12-29,2027-02-10"
    # `[eligibility]` (rules.Ages): NULL / false means no such limit.
    min_age_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    until_school_entry: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # `[rules] no_show_limit = { count, months }`: NULL means no such rule.
    no_show_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    no_show_months: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Facility(Base):
    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[int] = mapped_column(Integer, unique=True)  # the digit a caller presses
    name: Mapped[str] = mapped_column(String(100))
    reading: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(40), nullable=True)  # after the first mention
    name_en: Mapped[str | None] = mapped_column(String(100), nullable=True)  # English prompts and texts
    capacity: Mapped[int] = mapped_column(Integer)
    infant_capacity: Mapped[int] = mapped_column(Integer)
    closed_weekdays: Mapped[str] = mapped_column(String(40), default="")  # "sat,sun"
    # This facility's own closed days on top of the ward's (MM-DD yearly, YYYY-MM-DD once), comma-separated.
    closed_dates: Mapped[str] = mapped_column(Text, default="", server_default="")
    min_age_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # instead of [eligibility]'s
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    units: Mapped[list[Unit]] = relationship(back_populates="facility", cascade="all, delete-orphan",
                                             order_by="Unit.key")


class Unit(Base):
    """A 3-hour unit of care at one facility, the same every open day."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("facility_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"))
    key: Mapped[int] = mapped_column(Integer)
    starts: Mapped[str] = mapped_column(String(5))  # "09:00", Asia/Tokyo
    ends: Mapped[str] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    facility: Mapped[Facility] = relationship(back_populates="units")


class UnitDay(Base):
    """Seats taken in one unit on one day: the row that capacity is enforced on.

    Booking increments `booked` (and `infants`) with a conditional UPDATE guarded by the
    capacity, so the database, not Python, decides who gets the last seat.
    """

    __tablename__ = "unit_days"
    __table_args__ = (
        UniqueConstraint("unit_id", "day"),
        CheckConstraint("booked >= 0 AND infants >= 0 AND infants <= booked", name="seats_sane"),
        CheckConstraint("held >= 0 AND held_infants >= 0 AND held_infants <= held", name="holds_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    infants: Mapped[int] = mapped_column(Integer, default=0)
    # Seats held for a family that was offered them from the waiting list (booking/waitlist.py):
    # they count against capacity for everyone else until the offer is taken or lapses.
    held: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    held_infants: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Staff closing the unit for this day (0) or lowering its capacity (booking/closures.py); NULL: the
    # facility's capacity. The seat guard reads it in the same UPDATE, so a closing and a booking serialise here.
    cap: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ChildDay(Base):
    """A lock row per child and day: booking takes it first, so one child's bookings serialise."""

    __tablename__ = "child_days"
    __table_args__ = (UniqueConstraint("child_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=0)


class ChildMonth(Base):
    """Live bookings of one child in one calendar month of the day of care: the monthly limit's row.

    Booking increments `booked` with a conditional UPDATE guarded by the ward's limit, as
    `unit_days` does for capacity, so two bookings racing for the last allowed unit cannot both pass.
    """

    __tablename__ = "child_months"
    __table_args__ = (UniqueConstraint("child_id", "month"), CheckConstraint("booked >= 0", name="month_sane"))

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    month: Mapped[dt.date] = mapped_column(Date)  # the first day of the month
    booked: Mapped[int] = mapped_column(Integer, default=0)


class Reservation(Base):
    __tablename__ = "reservations"
    __table_args__ = (
        Index("ix_reservations_household_day", "household_pk", "day"),
        Index("ix_reservations_unit_day", "unit_id", "day"),
        Index("ix_reservations_day", "day"),  # the day-before reminders (booking/reminders.py)
        # One child, one seat per unit and day, whatever happens in Python.
        Index("uq_reservations_live_child_unit_day", "child_id", "unit_id", "day", unique=True,
              sqlite_where=text("status = 'booked'"), postgresql_where=text("status = 'booked'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_number: Mapped[str] = mapped_column(String(8), unique=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    infant: Mapped[bool] = mapped_column(Boolean)  # under 1 on the day of care
    fee: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="booked")  # booked | cancelled
    channel: Mapped[str] = mapped_column(String(10))  # voice | sms | staff
    language: Mapped[str] = mapped_column(String(2), default="ja")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set by the instance that won the claim to queue the day-before reminder (booking/reminders.py).
    reminder_queued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Marked by facility staff on the roster: present | absent | no_show (booking/roster.py). No penalty
    # follows from it automatically: the counter decides.
    attendance: Mapped[str | None] = mapped_column(String(10), nullable=True)
    attendance_marked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    facility: Mapped[Facility] = relationship()
    unit: Mapped[Unit] = relationship()


# A waiting entry is live while waiting or offered: one live entry per child, unit and day.
LIVE_ENTRY = text("status IN ('waiting', 'offered')")


class WaitlistEntry(Base):
    """A child waiting for a seat in one unit on one day (キャンセル待ち); first come, first served."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        Index("ix_waitlist_entries_unit_day", "unit_id", "day", "status"),
        Index("uq_waitlist_entries_live_child_unit_day", "child_id", "unit_id", "day", unique=True,
              sqlite_where=LIVE_ENTRY, postgresql_where=LIVE_ENTRY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    # waiting | offered | booked | lapsed (offer not taken) | removed (by staff) | past (the day went by)
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2), default="ja")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    unit: Mapped[Unit] = relationship()


class SeatOffer(Base):
    """A freed seat offered to one waiting family, held for it until `expires_at`; taken by its code."""

    __tablename__ = "seat_offers"
    __table_args__ = (
        Index("ix_seat_offers_status_expires_at", "status", "expires_at"),
        Index("ix_seat_offers_household_status", "household_pk", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entries.id", ondelete="CASCADE"))
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    infant: Mapped[bool] = mapped_column(Boolean)  # which hold it keeps: an infant seat or not
    code: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | accepted | expired | withdrawn
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    settled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Wrong codes keyed by this household while the offer stood (menu 5, or a texted code): at
    # `offers.WRONG_CODE_LIMIT` the bot takes no code for it any more and staff are told.
    wrong_codes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class NoShowLift(Base):
    """Staff lifted a child's no-show limit (`[rules] no_show_limit`): no-shows on or before `lifted_at`'s day no
    longer count. The latest lift is the one that counts; each is audited."""

    __tablename__ = "no_show_lifts"
    __table_args__ = (Index("ix_no_show_lifts_child_id_lifted_at", "child_id", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    lifted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(40))


class Closure(Base):
    """Staff closed a facility's day, or one unit's, or lowered a unit's capacity for one day (audited).

    `capacity` NULL means closed. Undoing sets `undone_at`; the unit-days' caps are worked out again from
    the closures still in force (booking/closures.py).
    """

    __tablename__ = "closures"
    __table_args__ = (Index("ix_closures_facility_id_day", "facility_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), nullable=True)
    day: Mapped[dt.date] = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
