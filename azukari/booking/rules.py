"""The booking rules as pure functions: dates, windows, opening days, ages, fees and overlaps."""
from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import holidays

from azukari.clock import TOKYO, tokyo_at

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
    OUTSIDE_AGES = "outside_ages"      # [eligibility]: too young, or past school entry, on the day of care
    NO_SHOW_LIMIT = "no_show_limit"    # [rules] no_show_limit: too many no-shows lately; staff can lift it


# Refusals of a booking whose reason is about the child or the registration: the conversation says
# only the common "cannot be booked", and the reason goes by text to the number on file.
REASON_BY_TEXT = frozenset({BookingRefusal.OVERLAPPING, BookingRefusal.EXPIRED_REGISTRATION,
                            BookingRefusal.MONTHLY_LIMIT, BookingRefusal.OUTSIDE_AGES,
                            BookingRefusal.NO_SHOW_LIMIT})


def age_in_years(birthdate: dt.date, on: dt.date) -> int:
    """Whole years on `on`; a child born on 29 February turns a year older on 1 March."""
    return on.year - birthdate.year - ((on.month, on.day) < (birthdate.month, birthdate.day))


def is_infant(birthdate: dt.date, day: dt.date) -> bool:
    """Under one year old on the day of care: counts against the unit's infant cap."""
    return age_in_years(birthdate, day) < 1


@dataclass(frozen=True)
class Ages:
    """`[eligibility]` (contract §4, §7), with a facility's own `min_age_days` already in place of the ward's."""

    min_age_days: int | None = None
    until_school_entry: bool = False


def school_entry(birthdate: dt.date) -> dt.date:
    """The April 1 a child starts primary school (School Education Act art. 17: the April after turning 6).

    A child turns 6 on the day before its birthday in law (年齢計算ニ関スル法律), so one born on
    January 1 through April 1 starts in the year it turns 6, anyone later in the next year:
    born 2020-04-01 → 2026-04-01; born 2020-04-02 → 2027-04-01; born 2020-02-29 → 2026-04-01.
    """
    return dt.date(birthdate.year + (6 if (birthdate.month, birthdate.day) <= (4, 1) else 7), 4, 1)


def is_eligible(birthdate: dt.date, day: dt.date, ages: Ages) -> bool:
    """May a child born on `birthdate` be cared for on `day`: from birthdate + min_age_days through the
    day before its school entry? With no `[eligibility]`, every registered child may."""
    if ages.min_age_days is not None and day < birthdate + dt.timedelta(days=ages.min_age_days):
        return False
    return not (ages.until_school_entry and day >= school_entry(birthdate))


def fee_for(birthdate: dt.date, day: dt.date, *, under_1: int, from_1: int) -> int:
    return under_1 if is_infant(birthdate, day) else from_1


@dataclass(frozen=True)
class Calendar:
    """The ward's calendar as facilities.toml's `[booking]` sets it (contract §4, §7).

    `opens_at` and `same_day_until` are Asia/Tokyo "HH:MM"; `closed_dates` holds "MM-DD" (every
    year) and "YYYY-MM-DD" (once) items. Built from the stored policy by `repository.calendar`.
    """

    horizon_days: int
    closed_on_public_holidays: bool = True
    opens_at: str = "00:00"
    same_day_until: str | None = None
    closed_dates: tuple[str, ...] = ()


def _clock(now: dt.datetime) -> tuple[dt.date, dt.time]:
    local = now.astimezone(TOKYO)
    return local.date(), local.time().replace(second=0, microsecond=0)


def bookable_days(now: dt.datetime, calendar: Calendar) -> tuple[dt.date, dt.date]:
    """THE window (contract §7): the first and last day a booking may be for, at `now`.

    The first is today while the Tokyo time is before `same_day_until` (absent: never today),
    else tomorrow; the last is today + `horizon_days` once the Tokyo time reaches `opens_at`,
    else the day before it (the newest day enters the window at `opens_at`). Whether a day in
    between is open, and whether today's unit has started, is `is_bookable`'s to say.
    """
    today, time = _clock(now)
    until = parse_hhmm(calendar.same_day_until) if calendar.same_day_until else None
    first = today if until is not None and time < until else today + dt.timedelta(days=1)
    opens = parse_hhmm(calendar.opens_at) or dt.time(0, 0)
    last = today + dt.timedelta(days=calendar.horizon_days - (0 if time >= opens else 1))
    return first, last


def in_window(day: dt.date, *, now: dt.datetime, calendar: Calendar) -> bool:
    first, last = bookable_days(now, calendar)
    return first <= day <= last


def _occurrences(month: int, day: int, *, since: dt.date, years: int) -> list[dt.date]:
    found = []
    for year in range(since.year, since.year + years + 1):
        try:
            found.append(dt.date(year, month, day))
        except ValueError:  # 31 April, or 29 February outside a leap year
            continue
    return [d for d in found if d >= since]


def next_occurrence(month: int, day: int, *, now: dt.datetime, calendar: Calendar) -> dt.date | None:
    """The next `month`/`day` inside the window, or None if there is none."""
    first, last = bookable_days(now, calendar)
    candidates = _occurrences(month, day, since=first, years=(last - first).days // 365 + 1)
    return next((d for d in candidates if d <= last), None)


def day_from_keypad(digits: str, *, now: dt.datetime, calendar: Calendar) -> dt.date | None:
    """A date keyed as `MMDD` or `YYYYMMDD`; None only if it is not a calendar date.

    A real date outside the window is returned as it is (the nearest one from today for
    `MMDD`), so the caller hears the closed-day words rather than "invalid date" (contract §7).
    """
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (4, 8):
        return None
    if len(digits) == 8:
        try:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            return None
    month, day = int(digits[:2]), int(digits[2:])
    inside = next_occurrence(month, day, now=now, calendar=calendar)
    if inside is not None:
        return inside
    nearest = _occurrences(month, day, since=_clock(now)[0], years=4)
    return nearest[0] if nearest else None


_CLOSED_DATE = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")


def parse_closed_date(text: str) -> str | None:
    """"MM-DD" (every year; 02-29 only in leap years) or "YYYY-MM-DD" (once), as written; None if neither."""
    match = _CLOSED_DATE.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        dt.date(int(year) if year else 2000, int(month), int(day))  # 2000: a leap year, so 02-29 passes
    except ValueError:
        return None
    return text.strip()


def closed_date_items(closed_dates: str | Iterable[str]) -> tuple[str, ...]:
    """'12-29,2027-02-10' (as stored) or a list (as in the file) → ('12-29', '2027-02-10')."""
    items = closed_dates.split(",") if isinstance(closed_dates, str) else closed_dates
    return tuple(item.strip() for item in items if item.strip())


def is_closed_date(day: dt.date, closed_dates: str | Iterable[str]) -> bool:
    """Is `day` one of the `closed_dates` (MM-DD every year, YYYY-MM-DD once)?"""
    return any(item in (day.isoformat(), day.strftime("%m-%d")) for item in closed_date_items(closed_dates))


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
            closed_on_public_holidays: bool, closed_dates: str | Iterable[str] = (),
            facility_closed_dates: str | Iterable[str] = ()) -> bool:
    """Is the facility open on `day`: not a closed weekday, a public holiday (if the ward closes on them),
    a ward-wide closed date nor one of the facility's own? The window is `bookable_days`'."""
    if WEEKDAYS[day.weekday()] in weekday_names(facility_closed_weekdays):
        return False
    if closed_on_public_holidays and is_public_holiday(day):
        return False
    return not (is_closed_date(day, closed_dates) or is_closed_date(day, facility_closed_dates))


def is_bookable(day: dt.date, *, now: dt.datetime, calendar: Calendar, closed_weekdays: str | Iterable[str],
                facility_closed_dates: str | Iterable[str] = (), unit_starts: str | None = None,
                held: bool = False) -> bool:
    """THE one window test every channel uses (voice, SMS, console, web): may `day` be offered now?

    True when `day` is inside `bookable_days(now, calendar)`, the facility is open that day
    (`is_open`: closed weekdays, public holidays, the ward's and the facility's `closed_dates`),
    and, given a unit's `unit_starts` ("HH:MM"), that unit has not started yet at `now` (a unit
    already started is never offered, even while same-day booking is open). A day for which this
    is False is answered with the closed-day words, never with a list.

    `held`: a seat held for a seat offer, made while its day was in the window, may be taken until the
    unit starts (contract §7), even once the day has left the window (`same_day_until`, midnight).
    """
    if not held and not in_window(day, now=now, calendar=calendar):
        return False
    if not is_open(closed_weekdays, day, closed_on_public_holidays=calendar.closed_on_public_holidays,
                   closed_dates=calendar.closed_dates, facility_closed_dates=facility_closed_dates):
        return False
    return unit_starts is None or not unit_started(day, unit_starts, now=now)


def can_book(day: dt.date, *, now: dt.datetime, calendar: Calendar, closed_weekdays: str | Iterable[str],
             facility_closed_dates: str | Iterable[str], unit_starts: str, birthdate: dt.date, ages: Ages,
             valid_until: dt.date) -> bool:
    """Could this child book this unit on `day` now, seats and its own bookings aside?

    The window and the day open (`is_bookable`), the child's age (`is_eligible`, with the facility's
    `Ages` from `repository.ages`) and its registration still valid on the day. What `service.book`
    refuses before it looks at seats, the overlap and the monthly limit; the waiting list offers a
    seat only to a child for whom this holds (contract §7).
    """
    return (is_bookable(day, now=now, calendar=calendar, closed_weekdays=closed_weekdays,
                        facility_closed_dates=facility_closed_dates, unit_starts=unit_starts)
            and is_eligible(birthdate, day, ages) and registration_covers(valid_until, day))


def unit_started(day: dt.date, starts: str, *, now: dt.datetime) -> bool:
    at = parse_hhmm(starts)
    if at is None:
        raise ValueError(f"unit start must be HH:MM, not {starts!r}")
    return now >= tokyo_at(day, at)


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


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (that month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def no_show_limit_reached(no_show_days: Iterable[dt.date], *, today: dt.date, count: int | None,
                          months: int | None, lifted_on: dt.date | None = None) -> bool:
    """`[rules] no_show_limit`: has the child `count` no-shows on days of care within the last `months` months
    (through today)? No-shows on or before the day staff lifted the limit no longer count. No rule, never."""
    if count is None or months is None:
        return False
    since = months_before(today, months)
    if lifted_on is not None:
        since = max(since, lifted_on + dt.timedelta(days=1))
    return sum(1 for day in no_show_days if since <= day <= today) >= count


def day_capacity(capacity: int, cap: int | None) -> int:
    """A unit's seats on one day: the facility's capacity, or fewer where staff lowered it (0: closed)."""
    return capacity if cap is None else min(capacity, cap)


# What the month views show for a unit on a day (the console; the parents' web pages use the same).
PLENTY, FEW, NONE, CLOSED_MARK = "○", "△", "×", "休"


def availability_mark(*, taken: int, capacity: int, open_: bool = True) -> str:
    """○ seats to spare, △ a few left (at most a third of the unit's seats, and at least one), × none, 休 closed."""
    if not open_ or capacity <= 0:
        return CLOSED_MARK
    free = capacity - taken
    if free <= 0:
        return NONE
    return FEW if free * 3 <= capacity else PLENTY
