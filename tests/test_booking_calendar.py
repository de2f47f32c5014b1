"""The window, the ward's closed days and the ages (contract §4, §7), as pure rules on a fixed clock."""
from __future__ import annotations

import datetime as dt

from azukari.booking import rules
from azukari.clock import TOKYO

TODAY = dt.date(2026, 12, 7)  # a Monday
WARD = rules.Calendar(horizon_days=30, opens_at="09:00", same_day_until="08:00",
                      closed_dates=("12-29", "12-30", "12-31", "01-01", "01-02", "01-03", "2027-02-10"))
LAST = TODAY + dt.timedelta(days=30)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(hour), int(minute)), tzinfo=TOKYO)


def bookable(day: dt.date, now: dt.datetime, *, unit_starts: str | None = None, closed_weekdays: str = "sun",
             facility_closed_dates: str = "") -> bool:
    return rules.is_bookable(day, now=now, calendar=WARD, closed_weekdays=closed_weekdays,
                             facility_closed_dates=facility_closed_dates, unit_starts=unit_starts)


def test_the_newest_day_is_not_in_the_window_a_minute_before_opens_at() -> None:
    assert rules.bookable_days(at(TODAY, "08:59"), WARD)[1] == LAST - dt.timedelta(days=1)
    assert not bookable(LAST, at(TODAY, "08:59"))


def test_the_newest_day_enters_the_window_at_opens_at_and_a_minute_after() -> None:
    assert rules.bookable_days(at(TODAY, "09:00"), WARD)[1] == LAST
    assert bookable(LAST, at(TODAY, "09:01"))


def test_todays_units_can_be_booked_a_minute_before_same_day_until() -> None:
    assert rules.bookable_days(at(TODAY, "07:59"), WARD)[0] == TODAY
    assert bookable(TODAY, at(TODAY, "07:59"), unit_starts="09:00")


def test_today_leaves_the_window_at_same_day_until_and_a_minute_after() -> None:
    assert rules.bookable_days(at(TODAY, "08:00"), WARD)[0] == TODAY + dt.timedelta(days=1)
    assert not bookable(TODAY, at(TODAY, "08:01"), unit_starts="09:00")


def test_without_same_day_until_today_is_never_bookable() -> None:
    plain = rules.Calendar(horizon_days=30)
    assert rules.bookable_days(at(TODAY, "00:01"), plain) == (TODAY + dt.timedelta(days=1), LAST)


def test_a_unit_already_started_is_never_offered_even_while_same_day_booking_is_open() -> None:
    early = rules.Calendar(horizon_days=30, same_day_until="23:00")
    for now, starts, expected in ((at(TODAY, "08:59"), "09:00", True), (at(TODAY, "09:00"), "09:00", False),
                                  (at(TODAY, "09:01"), "09:00", False)):
        assert rules.is_bookable(TODAY, now=now, calendar=early, closed_weekdays="",
                                 unit_starts=starts) is expected, now


def test_the_year_end_closure_is_never_bookable_in_any_year() -> None:
    for day in (dt.date(2026, 12, 29), dt.date(2026, 12, 31), dt.date(2027, 1, 2), dt.date(2027, 1, 3)):
        assert not bookable(day, at(day - dt.timedelta(days=5), "12:00")), day
    assert bookable(dt.date(2026, 12, 28), at(TODAY, "12:00"))
    assert bookable(dt.date(2027, 1, 4), at(dt.date(2026, 12, 20), "12:00"))


def test_a_closed_date_with_a_year_closes_that_day_only_once() -> None:
    assert rules.is_closed_date(dt.date(2027, 2, 10), WARD.closed_dates)
    assert not rules.is_closed_date(dt.date(2028, 2, 10), WARD.closed_dates)
    assert not rules.is_closed_date(dt.date(2028, 2, 10), ("2027-02-10",))


def test_a_facilitys_own_closed_date_closes_only_that_facility() -> None:
    day, now = dt.date(2026, 12, 16), at(TODAY, "12:00")
    assert not bookable(day, now, facility_closed_dates="12-16")
    assert not bookable(day, now, facility_closed_dates="2026-12-16")
    assert bookable(day, now, facility_closed_dates="2027-12-16")
    assert bookable(day, now)


def test_closed_weekdays_and_public_holidays_stay_closed_inside_the_window() -> None:
    now = at(TODAY, "12:00")
    assert not bookable(dt.date(2026, 12, 13), now)  # a Sunday
    assert not bookable(dt.date(2027, 1, 11), at(dt.date(2026, 12, 20), "12:00"))  # 成人の日


def test_closed_dates_are_checked_as_written() -> None:
    for good in ("12-29", "02-29", "2027-02-10", "2028-02-29"):
        assert rules.parse_closed_date(good) == good
    for bad in ("12/29", "2-29", "13-01", "02-30", "2027-02-29", "20270210", "", "12-29-2027"):
        assert rules.parse_closed_date(bad) is None, bad


def test_a_leap_day_closure_closes_29_february_only_in_leap_years() -> None:
    assert rules.is_closed_date(dt.date(2028, 2, 29), ("02-29",))
    assert not rules.is_closed_date(dt.date(2027, 2, 28), ("02-29",))
    assert not rules.is_closed_date(dt.date(2027, 3, 1), ("02-29",))


NERIMA = rules.Ages(min_age_days=57, until_school_entry=True)


def test_a_child_born_on_1_april_is_cared_for_until_the_31_march_of_the_year_it_turns_6() -> None:
    born = dt.date(2020, 4, 1)
    assert rules.school_entry(born) == dt.date(2026, 4, 1)
    assert rules.is_eligible(born, dt.date(2026, 3, 31), NERIMA)
    assert not rules.is_eligible(born, dt.date(2026, 4, 1), NERIMA)


def test_a_child_born_on_2_april_is_cared_for_a_year_longer() -> None:
    born = dt.date(2020, 4, 2)
    assert rules.school_entry(born) == dt.date(2027, 4, 1)
    assert rules.is_eligible(born, dt.date(2027, 3, 31), NERIMA)
    assert not rules.is_eligible(born, dt.date(2027, 4, 1), NERIMA)


def test_a_child_born_on_29_february_starts_school_in_the_april_after_it_turns_6() -> None:
    born = dt.date(2020, 2, 29)
    assert rules.school_entry(born) == dt.date(2026, 4, 1)
    assert rules.is_eligible(born, dt.date(2026, 3, 31), NERIMA)
    assert not rules.is_eligible(born, dt.date(2026, 4, 1), NERIMA)


def test_care_starts_on_the_day_the_child_is_min_age_days_old() -> None:
    born = dt.date(2026, 10, 1)
    assert not rules.is_eligible(born, born + dt.timedelta(days=56), NERIMA)
    assert rules.is_eligible(born, born + dt.timedelta(days=57), NERIMA)


def test_min_age_days_counts_across_29_february() -> None:
    born = dt.date(2028, 1, 10)  # 57 days later is 7 March in a leap year, 8 March otherwise
    assert not rules.is_eligible(born, dt.date(2028, 3, 6), NERIMA)
    assert rules.is_eligible(born, dt.date(2028, 3, 7), NERIMA)


def test_a_leap_day_baby_is_cared_for_from_min_age_days() -> None:
    born = dt.date(2028, 2, 29)
    assert not rules.is_eligible(born, dt.date(2028, 4, 25), NERIMA)
    assert rules.is_eligible(born, dt.date(2028, 4, 26), NERIMA)


def test_without_eligibility_every_registered_child_may_be_booked() -> None:
    assert rules.is_eligible(dt.date(2026, 12, 1), dt.date(2026, 12, 2), rules.Ages())
    assert rules.is_eligible(dt.date(2015, 1, 1), dt.date(2026, 12, 2), rules.Ages())


def test_can_book_needs_the_day_bookable_the_age_and_the_registration() -> None:
    day, now, born = dt.date(2026, 12, 17), at(TODAY, "12:00"), dt.date(2023, 5, 1)

    def check(**changes: object) -> bool:
        values: dict[str, object] = {"now": now, "calendar": WARD, "closed_weekdays": "sun",
                                     "facility_closed_dates": "", "unit_starts": "09:00", "birthdate": born,
                                     "ages": NERIMA, "valid_until": dt.date(2027, 3, 31), **changes}
        return rules.can_book(day, **values)  # type: ignore[arg-type]

    assert check()
    assert not check(facility_closed_dates="12-17")
    assert not check(birthdate=day - dt.timedelta(days=20))
    assert not check(birthdate=dt.date(2020, 4, 1))
    assert not check(valid_until=day - dt.timedelta(days=1))
    assert not check(now=at(day, "07:00"), unit_starts="06:00")


def test_the_month_marks_are_plenty_a_few_none_and_closed() -> None:
    assert rules.availability_mark(taken=0, capacity=6) == rules.PLENTY
    assert rules.availability_mark(taken=3, capacity=6) == rules.PLENTY
    assert rules.availability_mark(taken=4, capacity=6) == rules.FEW     # two of six left: a third
    assert rules.availability_mark(taken=5, capacity=6) == rules.FEW
    assert rules.availability_mark(taken=6, capacity=6) == rules.NONE
    assert rules.availability_mark(taken=0, capacity=1) == rules.PLENTY
    assert rules.availability_mark(taken=0, capacity=6, open_=False) == rules.CLOSED_MARK
    assert rules.availability_mark(taken=0, capacity=0) == rules.CLOSED_MARK


def test_a_days_capacity_is_the_facilitys_or_what_staff_left_it() -> None:
    assert rules.day_capacity(6, None) == 6
    assert rules.day_capacity(6, 2) == 2
    assert rules.day_capacity(6, 0) == 0
