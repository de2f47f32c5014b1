"""The pure booking rules, one by one (no database: they take `today` and plain values)."""
from __future__ import annotations

import datetime as dt

from azukari.booking import rules
from azukari.clock import TOKYO

TODAY = dt.date(2026, 11, 20)  # a Friday


def test_age_counts_whole_years_and_turns_on_the_birthday() -> None:
    assert rules.age_in_years(dt.date(2025, 11, 25), dt.date(2026, 11, 24)) == 0
    assert rules.age_in_years(dt.date(2025, 11, 25), dt.date(2026, 11, 25)) == 1


def test_a_child_born_on_29_february_turns_one_on_1_march() -> None:
    assert rules.age_in_years(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 0
    assert rules.age_in_years(dt.date(2024, 2, 29), dt.date(2025, 3, 1)) == 1


def test_the_fee_drops_to_the_from_1_rate_on_the_first_birthday() -> None:
    born = dt.date(2025, 11, 25)
    assert rules.fee_for(born, dt.date(2026, 11, 24), under_1=2000, from_1=1500) == 2000
    assert rules.fee_for(born, dt.date(2026, 11, 25), under_1=2000, from_1=1500) == 1500


PLAIN = rules.Calendar(horizon_days=30)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(hour), int(minute)), tzinfo=TOKYO)


NOON = at(TODAY, "12:00")


def test_the_booking_window_runs_from_tomorrow_through_the_horizon() -> None:
    assert rules.bookable_days(NOON, PLAIN) == (dt.date(2026, 11, 21), dt.date(2026, 12, 20))
    assert not rules.in_window(TODAY, now=NOON, calendar=PLAIN)
    assert rules.in_window(dt.date(2026, 12, 20), now=NOON, calendar=PLAIN)
    assert not rules.in_window(dt.date(2026, 12, 21), now=NOON, calendar=PLAIN)


def test_a_month_and_day_mean_the_next_such_day_inside_the_window() -> None:
    late_december = at(dt.date(2026, 12, 25), "12:00")
    assert rules.next_occurrence(1, 5, now=late_december, calendar=PLAIN) == dt.date(2027, 1, 5)
    assert rules.next_occurrence(12, 26, now=late_december, calendar=PLAIN) == dt.date(2026, 12, 26)


def test_a_month_and_day_outside_the_window_have_no_next_occurrence() -> None:
    assert rules.next_occurrence(11, 20, now=NOON, calendar=PLAIN) is None
    assert rules.next_occurrence(3, 1, now=NOON, calendar=PLAIN) is None


def test_keypad_dates_accept_mmdd_and_yyyymmdd() -> None:
    assert rules.day_from_keypad("1203", now=NOON, calendar=PLAIN) == dt.date(2026, 12, 3)
    assert rules.day_from_keypad("20261203", now=NOON, calendar=PLAIN) == dt.date(2026, 12, 3)


def test_keypad_dates_that_are_not_calendar_dates_are_rejected() -> None:
    for digits in ("1332", "0230", "20261131", "123", "12034", "１２０３", "12a3", ""):
        assert rules.day_from_keypad(digits, now=NOON, calendar=PLAIN) is None, digits


def test_a_real_keypad_date_outside_the_window_is_returned_for_the_caller_to_refuse() -> None:
    assert rules.day_from_keypad("1120", now=NOON, calendar=PLAIN) == TODAY
    assert rules.day_from_keypad("0301", now=NOON, calendar=PLAIN) == dt.date(2027, 3, 1)


def test_a_facility_is_closed_on_its_closed_weekdays() -> None:
    sunday = dt.date(2026, 11, 22)
    assert not rules.is_open("sat,sun", sunday, closed_on_public_holidays=True)
    assert not rules.is_open(["sun"], sunday, closed_on_public_holidays=False)
    assert rules.is_open("", sunday, closed_on_public_holidays=True)


def test_labour_thanksgiving_day_is_closed_only_where_holidays_close() -> None:
    kinro_kansha = dt.date(2026, 11, 23)  # 勤労感謝の日, a Monday
    assert not rules.is_open("sun", kinro_kansha, closed_on_public_holidays=True)
    assert rules.is_open("sun", kinro_kansha, closed_on_public_holidays=False)
    assert rules.is_open("sun", dt.date(2026, 11, 24), closed_on_public_holidays=True)


def test_a_substitute_holiday_counts_as_a_public_holiday() -> None:
    assert rules.is_public_holiday(dt.date(2026, 5, 6))  # 振替休日 for 憲法記念日 on a Sunday


def test_registration_must_cover_the_day_of_care() -> None:
    assert rules.registration_covers(dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    assert not rules.registration_covers(dt.date(2026, 12, 1), dt.date(2026, 12, 2))


def test_unit_times_are_tokyo_times_on_the_day() -> None:
    start, end = rules.unit_period(dt.date(2026, 12, 1), "09:00", "12:00")
    assert start == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
    assert end.astimezone(TOKYO).hour == 12


def test_back_to_back_units_do_not_overlap_but_crossing_ones_do() -> None:
    day = dt.date(2026, 12, 1)
    morning = rules.unit_period(day, "09:00", "12:00")
    assert not rules.overlaps(morning, rules.unit_period(day, "12:00", "15:00"))
    assert rules.overlaps(morning, rules.unit_period(day, "10:00", "13:00"))
    assert rules.overlaps(rules.unit_period(day, "10:00", "11:00"), morning)


def test_an_infant_needs_an_infant_seat_as_well_as_a_seat() -> None:
    assert rules.has_room(booked=3, infants=2, capacity=6, infant_capacity=2, infant=False)
    assert not rules.has_room(booked=3, infants=2, capacity=6, infant_capacity=2, infant=True)
    assert not rules.has_room(booked=6, infants=0, capacity=6, infant_capacity=2, infant=False)
