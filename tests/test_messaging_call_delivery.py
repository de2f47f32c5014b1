"""When a message to a number that cannot take SMS is called out: the night, the parent's own call, retries."""
from __future__ import annotations

import datetime as dt

from azukari.clock import TOKYO
from azukari.messaging.call_delivery import after_quiet_hours, call_wait, is_quiet, next_try

EVENING = dt.datetime(2026, 12, 1, 22, 30, tzinfo=TOKYO)
AFTERNOON = dt.datetime(2026, 12, 1, 15, 0, tzinfo=TOKYO)


def test_the_night_runs_from_nine_in_the_evening_to_eight_in_the_morning() -> None:
    assert is_quiet(EVENING) and is_quiet(EVENING.replace(hour=7, minute=59))
    assert not is_quiet(EVENING.replace(hour=8, minute=0)) and not is_quiet(EVENING.replace(hour=20, minute=59))


def test_a_call_put_off_by_the_night_waits_for_eight_the_next_morning() -> None:
    assert after_quiet_hours(EVENING) == dt.datetime(2026, 12, 2, 8, 0, tzinfo=TOKYO)
    assert after_quiet_hours(EVENING.replace(day=2, hour=3)) == dt.datetime(2026, 12, 2, 8, 0, tzinfo=TOKYO)
    assert after_quiet_hours(AFTERNOON) == AFTERNOON


def test_a_confirmation_the_parent_just_asked_for_goes_out_even_at_night() -> None:
    assert call_wait(kind="confirmation", attempts=1, created_at=EVENING, after_call=None, now=EVENING) is None


def test_a_reminder_nobody_asked_for_just_then_waits_out_the_night() -> None:
    assert call_wait(kind="reminder", attempts=1, created_at=EVENING, after_call=None,
                     now=EVENING) == dt.datetime(2026, 12, 2, 8, 0, tzinfo=TOKYO)


def test_a_retry_waits_out_the_night_even_for_a_confirmation() -> None:
    assert call_wait(kind="confirmation", attempts=2, created_at=EVENING, after_call=None, now=EVENING) is not None


def test_a_message_answering_a_call_waits_until_that_call_has_ended() -> None:
    wait = call_wait(kind="confirmation", attempts=1, created_at=AFTERNOON, after_call="CA1", now=AFTERNOON)
    assert wait is not None and wait > AFTERNOON


def test_the_wait_for_a_call_ends_on_its_own_if_its_end_is_never_reported() -> None:
    later = AFTERNOON + dt.timedelta(minutes=31)
    assert call_wait(kind="confirmation", attempts=1, created_at=AFTERNOON, after_call="CA1", now=later) is None


def test_an_unanswered_call_is_tried_again_later_but_never_into_the_night() -> None:
    assert next_try(AFTERNOON) == AFTERNOON + dt.timedelta(minutes=50)
    assert next_try(EVENING.replace(hour=20, minute=30)) == dt.datetime(2026, 12, 2, 8, 0, tzinfo=TOKYO)


def test_quiet_hours_are_a_setting_that_may_wrap_midnight_or_not() -> None:
    from azukari.settings import QuietHours, Settings

    assert str(Settings().quiet_hours) == "21:00-08:00"
    midday = QuietHours.parse("12:00-14:00")
    assert is_quiet(AFTERNOON.replace(hour=13), midday) and not is_quiet(EVENING, midday)
    assert after_quiet_hours(AFTERNOON.replace(hour=12), midday) == AFTERNOON.replace(hour=14)
    assert next_try(AFTERNOON.replace(hour=11, minute=30), midday) == AFTERNOON.replace(hour=14)
    late = QuietHours.parse("23:00-06:00")
    assert call_wait(kind="reminder", attempts=1, created_at=EVENING, after_call=None, now=EVENING,
                     quiet=late) is None
    assert after_quiet_hours(EVENING.replace(hour=23), late) == dt.datetime(2026, 12, 2, 6, 0, tzinfo=TOKYO)


def test_quiet_hours_that_are_not_a_time_range_are_refused_at_start_up() -> None:
    import pytest
    from pydantic import ValidationError

    from azukari.settings import Settings

    for bad in ("21-08", "25:00-08:00", "08:00-08:00", "mon-fri 21:00-08:00", ""):
        with pytest.raises(ValidationError):
            Settings(quiet_hours=bad)


def test_a_list_of_bookings_asked_for_at_night_calls_the_landline_once_the_call_has_ended() -> None:
    # It answers the parent's own call (contract §6): at once, at any hour; once a night is the limit
    # (booking.service.text_my_bookings).
    night = EVENING.replace(day=2, hour=2)
    assert call_wait(kind="listing", attempts=1, created_at=night, after_call=None, now=night) is None
    assert call_wait(kind="listing", attempts=1, created_at=AFTERNOON, after_call=None, now=AFTERNOON) is None
