"""`azukari import-facilities`: the file is checked whole and applied whole, by facility key."""
from __future__ import annotations

from pathlib import Path

import pytest
from facilities_files import facilities_toml, hikarigaoka, import_facilities_text, shakujii
from sqlalchemy import select

from azukari.booking.facilities_file import FacilitiesFileError
from azukari.booking.models import BookingPolicy, Facility, Unit
from azukari.db import Database

HEAD = facilities_toml(horizon_days=14, closed_on_public_holidays=False, under_1=2200, from_1=1600)
HIKARIGAOKA = hikarigaoka(capacity=6, infant_capacity=2, reading="ひかりがおかこどもかていしえんせんたー",
                          closed_weekdays=["sun"])
SHAKUJII = shakujii(capacity=4, infant_capacity=1, reading="しゃくじいこどもかていしえんせんたー",
                    closed_weekdays=["sat", "sun"])


def _import(database: Database, tmp_path: Path, text: str) -> str:
    with database.unit_of_work() as session:
        summary = import_facilities_text(session, tmp_path, text)
        session.commit()
    return summary


def _facilities(database: Database) -> list[tuple[int, str, int, int, str, bool, list[tuple[int, str, str, bool]]]]:
    with database.unit_of_work() as session:
        return [(f.key, f.name, f.capacity, f.infant_capacity, f.closed_weekdays, f.active,
                 [(u.key, u.starts, u.ends, u.active) for u in f.units])
                for f in session.scalars(select(Facility).order_by(Facility.key))]


def _error(database: Database, tmp_path: Path, text: str) -> str:
    with pytest.raises(FacilitiesFileError) as raised:
        _import(database, tmp_path, text)
    return str(raised.value)


def test_a_file_creates_its_facilities_units_and_booking_policy(database: Database, tmp_path: Path) -> None:
    summary = _import(database, tmp_path, HEAD + HIKARIGAOKA + SHAKUJII)
    assert summary.startswith("facilities: 2 created, 0 updated, 0 deactivated")
    assert _facilities(database) == [
        (1, "光が丘子ども家庭支援センター", 6, 2, "sun", True,
         [(1, "09:00", "12:00", True), (2, "13:00", "16:00", True)]),
        (2, "石神井子ども家庭支援センター", 4, 1, "sat,sun", True, [(1, "10:00", "13:00", True)])]
    with database.unit_of_work() as session:
        policy = session.get(BookingPolicy, 1)
        assert policy is not None
        assert (policy.horizon_days, policy.closed_on_public_holidays, policy.fee_under_1, policy.fee_from_1) == (
            14, False, 2200, 1600)


def test_importing_again_updates_by_key_and_keeps_the_same_rows(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + HIKARIGAOKA + SHAKUJII)
    with database.unit_of_work() as session:
        before = {u.key: u.id for u in session.scalars(select(Unit).join(Facility).where(Facility.key == 1))}
    _import(database, tmp_path, HEAD + HIKARIGAOKA.replace("capacity = 6", "capacity = 8") + SHAKUJII)
    assert _facilities(database)[0][2] == 8
    with database.unit_of_work() as session:
        assert {u.key: u.id for u in session.scalars(select(Unit).join(Facility).where(Facility.key == 1))} == before


def test_facilities_and_units_left_out_are_deactivated_not_deleted(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + HIKARIGAOKA + SHAKUJII)
    one_unit = HIKARIGAOKA.replace(', { key = 2, start = "13:00", end = "16:00" }', "")
    summary = _import(database, tmp_path, HEAD + one_unit)
    assert "1 deactivated" in summary
    hikarigaoka, shakujii = _facilities(database)
    assert hikarigaoka[6] == [(1, "09:00", "12:00", True), (2, "13:00", "16:00", False)]
    assert shakujii[5] is False


def test_a_facility_that_comes_back_is_active_again(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + HIKARIGAOKA + SHAKUJII)
    _import(database, tmp_path, HEAD + HIKARIGAOKA)
    _import(database, tmp_path, HEAD + HIKARIGAOKA + SHAKUJII)
    assert [f[5] for f in _facilities(database)] == [True, True]


def test_a_malformed_file_changes_nothing(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + HIKARIGAOKA + SHAKUJII)
    before = _facilities(database)
    changed = HIKARIGAOKA.replace("capacity = 6", "capacity = 9") + SHAKUJII.replace('end = "13:00"', 'end = "09:00"')
    _error(database, tmp_path, HEAD.replace("14", "60") + changed)
    assert _facilities(database) == before
    with database.unit_of_work() as session:
        policy = session.get(BookingPolicy, 1)
        assert policy is not None and policy.horizon_days == 14


def test_an_end_before_the_start_names_the_facility_unit_and_field(database: Database, tmp_path: Path) -> None:
    message = _error(database, tmp_path, HEAD + SHAKUJII.replace('end = "13:00"', 'end = "09:00"'))
    assert "facility #1 (key 2) units[1] unit key 1: end 09:00 must be after start 10:00" in message


def test_times_must_be_hh_mm(database: Database, tmp_path: Path) -> None:
    message = _error(database, tmp_path, HEAD + SHAKUJII.replace('start = "10:00"', 'start = "9:00"'))
    assert "unit key 1: start must be HH:MM" in message


def test_facility_keys_must_be_single_digits_and_unique(database: Database, tmp_path: Path) -> None:
    assert "key must be a whole number from 1 to 9, not 10" in _error(
        database, tmp_path, HEAD + HIKARIGAOKA.replace("key = 1\n", "key = 10\n"))
    assert "facility key 1 appears more than once" in _error(
        database, tmp_path, HEAD + HIKARIGAOKA + SHAKUJII.replace("key = 2\n", "key = 1\n"))


def test_unit_keys_must_be_unique_within_a_facility(database: Database, tmp_path: Path) -> None:
    message = _error(database, tmp_path, HEAD + HIKARIGAOKA.replace("{ key = 2,", "{ key = 1,"))
    assert "facility #1 (key 1): unit key 1 appears more than once" in message


def test_the_infant_capacity_cannot_exceed_the_capacity(database: Database, tmp_path: Path) -> None:
    message = _error(database, tmp_path, HEAD + SHAKUJII.replace("infant_capacity = 1", "infant_capacity = 5"))
    assert "facility #1 (key 2): infant_capacity must be a whole number from 0 to 4, not 5" in message


def test_closed_weekdays_must_be_day_names(database: Database, tmp_path: Path) -> None:
    message = _error(database, tmp_path, HEAD + SHAKUJII.replace('"sat", "sun"', '"saturday"'))
    assert "facility #1 (key 2): closed_weekdays must list days among mon" in message


def test_every_problem_in_the_file_is_reported_at_once(database: Database, tmp_path: Path) -> None:
    broken = HIKARIGAOKA.replace("capacity = 6", "capacity = 0").replace("reading =", "# reading =")
    message = _error(database, tmp_path, HEAD.replace("from_1 = 1600", "") + broken)
    assert "[fees]: from_1 must be a whole number" in message
    assert "facility #1 (key 1): reading must be non-empty text" in message
    assert "facility #1 (key 1): capacity must be a whole number from 1 to 1000, not 0" in message


def test_a_file_that_is_not_toml_says_so(database: Database, tmp_path: Path) -> None:
    assert _error(database, tmp_path, "[booking\n").startswith("not valid TOML")


def test_a_file_without_facilities_is_refused(database: Database, tmp_path: Path) -> None:
    assert "at least one [[facility]] is needed" in _error(database, tmp_path, HEAD)


RULES = """
[rules]
cancel_until = { days_before = 1, time = "17:00" }
monthly_units_per_child = 8
waitlist = true
offer_hours = 12
"""


def _policy_rules(database: Database) -> tuple[object, ...]:
    with database.unit_of_work() as session:
        policy = session.get(BookingPolicy, 1)
        assert policy is not None
        return (policy.cancel_days_before, policy.cancel_time, policy.monthly_units_per_child, policy.waitlist,
                policy.offer_hours)


def test_the_wards_rules_are_stored_from_the_rules_table(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + RULES + HIKARIGAOKA)
    assert _policy_rules(database) == (1, "17:00", 8, True, 12)


def test_rules_left_out_of_the_file_mean_no_such_rule(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + RULES + HIKARIGAOKA)
    _import(database, tmp_path, HEAD + HIKARIGAOKA)
    assert _policy_rules(database) == (None, None, None, False, None)


def test_reimporting_the_same_rules_changes_nothing(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + RULES + HIKARIGAOKA)
    _import(database, tmp_path, HEAD + RULES + HIKARIGAOKA)
    assert _policy_rules(database) == (1, "17:00", 8, True, 12)


def test_a_facility_keeps_its_short_and_english_names(database: Database, tmp_path: Path) -> None:
    named = HIKARIGAOKA.replace('capacity = 6', 'short_name = "光が丘"\nname_en = "Hikarigaoka"\ncapacity = 6')
    _import(database, tmp_path, HEAD + named)
    with database.unit_of_work() as session:
        facility = session.scalars(select(Facility)).one()
        assert (facility.short_name, facility.name_en) == ("光が丘", "Hikarigaoka")


def test_short_and_english_names_are_optional(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + HIKARIGAOKA)
    with database.unit_of_work() as session:
        facility = session.scalars(select(Facility)).one()
        assert (facility.short_name, facility.name_en) == (None, None)


def test_an_english_name_in_japanese_script_is_refused(database: Database, tmp_path: Path) -> None:
    named = HIKARIGAOKA.replace('capacity = 6', 'name_en = "光が丘"\ncapacity = 6')
    assert "name_en must be written in Latin letters" in _error(database, tmp_path, HEAD + named)


def test_unknown_rules_and_tables_are_still_refused(database: Database, tmp_path: Path) -> None:
    message = _error(database, tmp_path, HEAD + RULES + "penalty = 1\n[extras]\nx = 1\n" + HIKARIGAOKA)
    assert "[rules]: unknown fields ['penalty']" in message
    assert "unknown tables ['extras']" in message


def test_a_malformed_rule_names_the_rule(database: Database, tmp_path: Path) -> None:
    bad = RULES.replace('time = "17:00"', 'time = "5pm"').replace("offer_hours = 12", "offer_hours = 0")
    message = _error(database, tmp_path, HEAD + bad + HIKARIGAOKA)
    assert "cancel_until: time must be HH:MM" in message
    assert "offer_hours must be a whole number" in message


CALENDAR = HEAD.replace("closed_on_public_holidays = false\n", 'closed_on_public_holidays = false\nopens_at = "09:00"\n'
                        'same_day_until = "08:00"\nclosed_dates = ["12-29", "01-03", "2027-02-10"]\n')
AGES = "[eligibility]\nmin_age_days = 57\nuntil_school_entry = true\n"


def test_the_calendar_and_the_ages_are_stored(database: Database, tmp_path: Path) -> None:
    own = HIKARIGAOKA.replace("capacity = 6", 'closed_dates = ["2027-03-01"]\nmin_age_days = 182\ncapacity = 6')
    _import(database, tmp_path, CALENDAR + AGES + own)
    with database.unit_of_work() as session:
        policy = session.get(BookingPolicy, 1)
        facility = session.scalars(select(Facility)).one()
        assert policy is not None
        assert (policy.opens_at, policy.same_day_until, policy.closed_dates) == ("09:00", "08:00",
                                                                                 "12-29,01-03,2027-02-10")
        assert (policy.min_age_days, policy.until_school_entry) == (57, True)
        assert (facility.closed_dates, facility.min_age_days) == ("2027-03-01", 182)


def test_a_calendar_left_out_of_the_file_means_none(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, CALENDAR + AGES + HIKARIGAOKA)
    _import(database, tmp_path, HEAD + HIKARIGAOKA)
    with database.unit_of_work() as session:
        policy = session.get(BookingPolicy, 1)
        assert policy is not None
        assert (policy.opens_at, policy.same_day_until, policy.closed_dates, policy.min_age_days,
                policy.until_school_entry) == ("00:00", None, "", None, False)


@pytest.mark.parametrize(("where", "text"), [
    ("[booking]", HEAD.replace("horizon_days = 14", "horizon_days = 14\nopen_at = \"09:00\"")),
    ("[fees]", HEAD.replace("under_1 = 2200", "under_1 = 2200\nunder_3 = 1800")),
    ("[eligibility]", HEAD + "[eligibility]\nmin_age_day = 57\n"),
    ("[rules]", HEAD + "[rules]\nno_shows = 3\n"),
    ("[rules] cancel_until", HEAD + '[rules]\ncancel_until = { days_before = 1, time = "17:00", hour = 1 }\n'),
    ("[rules] no_show_limit", HEAD + "[rules]\nno_show_limit = { count = 3, months = 3, weeks = 2 }\n"),
])
def test_an_unknown_key_in_any_table_is_refused_naming_it(database: Database, tmp_path: Path, where: str,
                                                         text: str) -> None:
    unknown = {"[booking]": "open_at", "[fees]": "under_3", "[eligibility]": "min_age_day", "[rules]": "no_shows",
               "[rules] cancel_until": "hour", "[rules] no_show_limit": "weeks"}[where]
    assert f"{where}: unknown fields ['{unknown}']" in _error(database, tmp_path, text + HIKARIGAOKA)


def test_an_unknown_key_in_a_facility_or_unit_is_refused_naming_it(database: Database, tmp_path: Path) -> None:
    odd = HIKARIGAOKA.replace("capacity = 6", "closed_date = [\"12-29\"]\ncapacity = 6").replace(
        'end = "12:00"', 'end = "12:00", ends = "12:00"')
    message = _error(database, tmp_path, HEAD + odd)
    assert "unknown fields ['closed_date']" in message
    assert "unknown fields ['ends']" in message


def test_closed_dates_and_times_must_be_well_formed(database: Database, tmp_path: Path) -> None:
    bad = HEAD.replace("horizon_days = 14", 'horizon_days = 14\nopens_at = "9:00"\nsame_day_until = "8am"\n'
                                           'closed_dates = ["12/29"]')
    message = _error(database, tmp_path, bad + "[eligibility]\nmin_age_days = -1\n" + HIKARIGAOKA.replace(
        "capacity = 6", 'closed_dates = ["2027-02-30"]\ncapacity = 6'))
    for expected in ("[booking]: opens_at must be HH:MM", "[booking]: same_day_until must be HH:MM",
                     "[booking]: closed_dates must list dates", "closed_dates must list dates as \"MM-DD\" (every "
                     "year) or \"YYYY-MM-DD\" (once), not ['2027-02-30']", "[eligibility]: min_age_days must be"):
        assert expected in message, expected


def test_the_no_show_limit_is_stored(database: Database, tmp_path: Path) -> None:
    _import(database, tmp_path, HEAD + "[rules]\nno_show_limit = { count = 3, months = 3 }\n" + HIKARIGAOKA)
    with database.unit_of_work() as session:
        policy = session.get(BookingPolicy, 1)
        assert policy is not None
        assert (policy.no_show_count, policy.no_show_months) == (3, 3)
