"""The booking rules as pure functions: dates, windows, opening days, ages, fees and overlaps."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache

import holidays

from azukari.clock import tokyo_at

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class BookingRefusal(StrEnum):
    """Why a booking or cancellation cannot go ahead; callers turn these into words."""

    CLOSED = "closed"
    OUTSIDE_WINDOW = "outside_window"
    FULL = "full"
    OVERLAPPING = "overlapping"
    EXPIRED_REGISTRATION = "expired_registration"
    NOT_FOUND = "not_found"
    TOO_LATE = "too_late"
    PAST_DEADLINE = "past_deadline"    # the ward's cancel deadline (§7): parents must call the facility
    MONTHLY_LIMIT = "monthly_limit"    # the child's live bookings in that calendar month are at the limit
    HELD_FOR_STAFF = "held_for_staff"  # a DV-flagged household: only staff book for it (invariant 5)


# Refusals of a booking whose reason is about the child or the registration: the conversation says
# only the common "cannot be booked", and the reason goes by text to the number on file.
REASON_BY_TEXT = frozenset({BookingRefusal.OVERLAPPING, BookingRefusal.EXPIRED_REGISTRATION,
                            BookingRefusal.MONTHLY_LIMIT})


def age_in_years(birthdate: dt.date, on: dt.date) -> int:
    """Whole years on `on`; a child born on 29 February turns a year older on 1 March."""
    return on.year - birthdate.year - ((on.month, on.day) < (birthdate.month, birthdate.day))


def is_infant(birthdate: dt.date, day: dt.date) -> bool:
    """Under one year old on the day of care: counts against the unit's infant cap."""
    return age_in_years(birthdate, day) < 1


def fee_for(birthdate: dt.date, day: dt.date, *, under_1: int, from_1: int) -> int:
    return under_1 if is_infant(birthdate, day) else from_1


def booking_window(today: dt.date, horizon_days: int) -> tuple[dt.date, dt.date]:
    """First and last bookable day: from tomorrow through today + horizon_days."""
    return today + dt.timedelta(days=1), today + dt.timedelta(days=horizon_days)


def in_window(day: dt.date, *, today: dt.date, horizon_days: int) -> bool:
    first, last = booking_window(today, horizon_days)
    return first <= day <= last


def _occurrences(month: int, day: int, *, since: dt.date, years: int) -> list[dt.date]:
    found = []
    for year in range(since.year, since.year + years + 1):
        try:
            found.append(dt.date(year, month, day))
        except ValueError:  # 31 April, or 29 February outside a leap year
            continue
    return [d for d in found if d >= since]


def next_occurrence(month: int, day: int, *, today: dt.date, horizon_days: int) -> dt.date | None:
    """The next `month`/`day` inside the booking window, or None if there is none."""
    first, last = booking_window(today, horizon_days)
    candidates = _occurrences(month, day, since=first, years=horizon_days // 365 + 1)
    return next((d for d in candidates if d <= last), None)


def day_from_keypad(digits: str, *, today: dt.date, horizon_days: int) -> dt.date | None:
    """A date keyed as `MMDD` or `YYYYMMDD`; None only if it is not a calendar date.

    A real date outside the window is returned as it is (the nearest one from today for
    `MMDD`), so the caller can say "outside the booking period" rather than "invalid date".
    """
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (4, 8):
        return None
    if len(digits) == 8:
        try:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            return None
    month, day = int(digits[:2]), int(digits[2:])
    inside = next_occurrence(month, day, today=today, horizon_days=horizon_days)
    if inside is not None:
        return inside
    nearest = _occurrences(month, day, since=today, years=4)
    return nearest[0] if nearest else None


@lru_cache(maxsize=16)
def _japanese_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("JP", years=year))


def is_public_holiday(day: dt.date) -> bool:
    """Japanese national holidays, substitute holidays included (maintained by `holidays`)."""
    return day in _japanese_holidays(day.year)


def weekday_names(closed_weekdays: str | Iterable[str]) -> frozenset[str]:
    """'sat,sun' (as stored) or ['sat', 'sun'] (as in the file) → {'sat', 'sun'}."""
    items = closed_weekdays.split(",") if isinstance(closed_weekdays, str) else closed_weekdays
    return frozenset(name.strip().lower() for name in items if name.strip())


def is_open(facility_closed_weekdays: str | Iterable[str], day: dt.date, *,
            closed_on_public_holidays: bool) -> bool:
    if WEEKDAYS[day.weekday()] in weekday_names(facility_closed_weekdays):
        return False
    return not (closed_on_public_holidays and is_public_holiday(day))


def registration_covers(valid_until: dt.date, day: dt.date) -> bool:
    """The registration must still be valid on the day of care, not just on the day of booking."""
    return day <= valid_until


def parse_hhmm(text: str) -> dt.time | None:
    match = _HHMM.match(text)
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def unit_period(day: dt.date, starts: str, ends: str) -> tuple[dt.datetime, dt.datetime]:
    """A unit's Asia/Tokyo "HH:MM" times on `day`, as aware datetimes."""
    start, end = parse_hhmm(starts), parse_hhmm(ends)
    if start is None or end is None:
        raise ValueError(f"unit times must be HH:MM, not {starts!r}-{ends!r}")
    return tokyo_at(day, start), tokyo_at(day, end)


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    """Half-open intervals [start, end): 09:00-12:00 and 12:00-15:00 do not overlap."""
    return a[0] < b[1] and b[0] < a[1]


def has_room(*, booked: int, infants: int, capacity: int, infant_capacity: int, infant: bool) -> bool:
    """The same test as the conditional UPDATE that really takes the seat (service.book)."""
    return booked < capacity and (not infant or infants < infant_capacity)


def cancel_deadline(day: dt.date, *, days_before: int, time: str) -> dt.datetime:
    """The last moment a parent may cancel a booking of `day` themselves (Asia/Tokyo)."""
    at = parse_hhmm(time)
    if at is None:
        raise ValueError(f"cancel time must be HH:MM, not {time!r}")
    return tokyo_at(day - dt.timedelta(days=days_before), at)


def past_cancel_deadline(day: dt.date, *, now: dt.datetime, days_before: int | None, time: str | None) -> bool:
    """Is a parent's cancel of `day` too late under the ward's rule? No rule, never too late."""
    if days_before is None or time is None:
        return False
    return now > cancel_deadline(day, days_before=days_before, time=time)


def month_of(day: dt.date) -> dt.date:
    """The calendar month a day of care counts in, as its first day (the monthly limit's key)."""
    return day.replace(day=1)


def within_monthly_limit(*, booked_in_month: int, limit: int | None) -> bool:
    """The same test as the conditional UPDATE that counts a booking against the month."""
    return limit is None or booked_in_month < limit


# With the waiting list on and no `offer_hours` in the file, a freed seat is held this long.
DEFAULT_OFFER_HOURS = 12


def offer_expiry(now: dt.datetime, *, offer_hours: int | None, starts_at: dt.datetime) -> dt.datetime:
    """Until when an offered seat is held: `offer_hours` from now, never past the unit's start."""
    return min(now + dt.timedelta(hours=offer_hours or DEFAULT_OFFER_HOURS), starts_at)
