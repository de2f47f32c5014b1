"""`azukari import-facilities`: facilities.toml (contract §4) checked whole, then applied whole."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.booking.models import BookingPolicy, Facility, Unit
from azukari.booking.rules import WEEKDAYS, parse_closed_date, parse_hhmm


class FacilitiesFileError(Exception):
    """The file is unusable; the message names every facility, unit and field at fault."""


@dataclass(frozen=True)
class _UnitSpec:
    key: int
    start: str
    end: str


@dataclass(frozen=True)
class _FacilitySpec:
    key: int
    name: str
    reading: str
    short_name: str | None
    name_en: str | None
    capacity: int
    infant_capacity: int
    closed_weekdays: list[str]
    units: list[_UnitSpec]
    closed_dates: tuple[str, ...] = ()
    min_age_days: int | None = None


_FACILITY_FIELDS = {"key", "name", "reading", "short_name", "name_en", "capacity", "infant_capacity",
                    "closed_weekdays", "units", "closed_dates", "min_age_days"}
_RULE_FIELDS = {"cancel_until", "monthly_units_per_child", "waitlist", "offer_hours", "no_show_limit"}
_BOOKING_FIELDS = {"horizon_days", "closed_on_public_holidays", "opens_at", "same_day_until", "closed_dates"}
_FEE_FIELDS = {"under_1", "from_1"}
_ELIGIBILITY_FIELDS = {"min_age_days", "until_school_entry"}
# Care from the day a child is this many days old at most (the file's upper bound for min_age_days).
_MOST_DAYS = 6 * 366


@dataclass(frozen=True)
class Rules:
    """`[rules]` (contract §7); None (or False) means the ward has no such rule."""

    cancel_days_before: int | None = None
    cancel_time: str | None = None
    monthly_units_per_child: int | None = None
    waitlist: bool = False
    offer_hours: int | None = None
    no_show_count: int | None = None
    no_show_months: int | None = None


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def int_(self, table: dict[str, Any], field: str, where: str, low: int, high: int) -> int:
        value = table.get(field)
        # bool is an int in Python, but `capacity = true` is a mistake in the file.
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.errors.append(f"{where}: {field} must be a whole number from {low} to {high}, not {value!r}")
            return low
        return value

    def text(self, table: dict[str, Any], field: str, where: str) -> str:
        value = table.get(field)
        if not isinstance(value, str) or not value.strip():
            self.errors.append(f"{where}: {field} must be non-empty text")
            return ""
        return value.strip()

    def bool_(self, table: dict[str, Any], field: str, where: str) -> bool:
        value = table.get(field)
        if not isinstance(value, bool):
            self.errors.append(f"{where}: {field} must be true or false, not {value!r}")
            return False
        return value

    def optional_text(self, table: dict[str, Any], field: str, where: str, longest: int) -> str | None:
        if field not in table:
            return None
        value = table[field]
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > longest:
            self.errors.append(f"{where}: {field} must be text of 1 to {longest} characters, not {value!r}")
            return None
        return value.strip()

    def table(self, parent: dict[str, Any], field: str) -> dict[str, Any]:
        value = parent.get(field)
        if not isinstance(value, dict):
            self.errors.append(f"[{field}] table is missing")
            return {}
        return value

    def inline_table(self, table: dict[str, Any], field: str, where: str, fields: set[str],
                     example: str) -> dict[str, Any] | None:
        """An inline table of exactly `fields` (`{ count = 3, months = 3 }`); None, with the errors, otherwise."""
        value = table[field]
        if isinstance(value, dict):
            self.known(value, fields, f"{where} {field}")
        if not isinstance(value, dict) or set(value) != fields:
            self.errors.append(f"{where}: {field} must be a table like {example}")
            return None
        return value

    def known(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        """Contract §2: an unknown key in any table is refused, naming it."""
        unknown = sorted(set(table) - allowed)
        if unknown:
            self.errors.append(f"{where}: unknown fields {unknown}")

    def hhmm(self, table: dict[str, Any], field: str, where: str) -> str | None:
        if field not in table:
            return None
        value = table[field]
        if not isinstance(value, str) or parse_hhmm(value) is None:
            self.errors.append(f"{where}: {field} must be HH:MM (00:00-23:59), not {value!r}")
            return None
        return value

    def closed_dates(self, table: dict[str, Any], where: str) -> tuple[str, ...]:
        value = table.get("closed_dates", [])
        if not isinstance(value, list) or any(not isinstance(d, str) or parse_closed_date(d) is None for d in value):
            self.errors.append(f"{where}: closed_dates must list dates as \"MM-DD\" (every year) or \"YYYY-MM-DD\" "
                               f"(once), not {value!r}")
            return ()
        return tuple(dict.fromkeys(d.strip() for d in value))


def _unit(check: _Checker, raw: object, where: str) -> _UnitSpec | None:
    if not isinstance(raw, dict):
        check.errors.append(f"{where}: each unit must be a table like {{ key = 1, start = '09:00', end = '12:00' }}")
        return None
    key = check.int_(raw, "key", where, 1, 9)
    where = f"{where} unit key {raw.get('key')!r}"
    if set(raw) - {"key", "start", "end"}:
        check.errors.append(f"{where}: unknown fields {sorted(set(raw) - {'key', 'start', 'end'})}")
    start, end = raw.get("start"), raw.get("end")
    times = [parse_hhmm(t) if isinstance(t, str) else None for t in (start, end)]
    for field, value, parsed in (("start", start, times[0]), ("end", end, times[1])):
        if parsed is None:
            check.errors.append(f"{where}: {field} must be HH:MM (00:00-23:59), not {value!r}")
    if times[0] is not None and times[1] is not None and times[1] <= times[0]:
        check.errors.append(f"{where}: end {end} must be after start {start}")
    return _UnitSpec(key, str(start), str(end))


def _facility(check: _Checker, raw: object, where: str) -> _FacilitySpec | None:
    if not isinstance(raw, dict):
        check.errors.append(f"{where}: must be a [[facility]] table")
        return None
    where = f"{where} (key {raw.get('key')!r})"
    check.known(raw, _FACILITY_FIELDS, where)
    key = check.int_(raw, "key", where, 1, 9)
    name, reading = check.text(raw, "name", where), check.text(raw, "reading", where)
    short_name = check.optional_text(raw, "short_name", where, 40)
    name_en = check.optional_text(raw, "name_en", where, 100)
    if name_en is not None and not name_en.isascii():
        check.errors.append(f"{where}: name_en must be written in Latin letters, not {name_en!r}")
    capacity = check.int_(raw, "capacity", where, 1, 1000)
    infant_capacity = check.int_(raw, "infant_capacity", where, 0, capacity)
    weekdays = raw.get("closed_weekdays", [])
    if not isinstance(weekdays, list) or any(not isinstance(d, str) or d.lower() not in WEEKDAYS for d in weekdays):
        check.errors.append(f"{where}: closed_weekdays must list days among {', '.join(WEEKDAYS)}, not {weekdays!r}")
        weekdays = []
    raw_units = raw.get("units")
    if not isinstance(raw_units, list) or not raw_units:
        check.errors.append(f"{where}: units must list at least one unit")
        raw_units = []
    units = [u for i, r in enumerate(raw_units, 1) if (u := _unit(check, r, f"{where} units[{i}]")) is not None]
    for dup in sorted({u.key for u in units if [v.key for v in units].count(u.key) > 1}):
        check.errors.append(f"{where}: unit key {dup} appears more than once")
    days = [d.lower() for d in weekdays]
    closed_dates = check.closed_dates(raw, where)
    min_age_days = check.int_(raw, "min_age_days", where, 0, _MOST_DAYS) if "min_age_days" in raw else None
    return _FacilitySpec(key, name, reading, short_name, name_en, capacity, infant_capacity,
                         sorted(set(days), key=WEEKDAYS.index), units, closed_dates, min_age_days)


def _rules(check: _Checker, data: dict[str, Any]) -> Rules:
    raw = data.get("rules", {})
    if not isinstance(raw, dict):
        check.errors.append("[rules] must be a table")
        return Rules()
    check.known(raw, _RULE_FIELDS, "[rules]")
    days_before = time = None
    until = check.inline_table(raw, "cancel_until", "[rules]", {"days_before", "time"},
                               '{ days_before = 1, time = "17:00" }') if "cancel_until" in raw else None
    if until is not None:
        days_before = check.int_(until, "days_before", "[rules] cancel_until", 0, 60)
        time = until["time"]
        if not isinstance(time, str) or parse_hhmm(time) is None:
            check.errors.append(f"[rules] cancel_until: time must be HH:MM (00:00-23:59), not {time!r}")
            time = None
    monthly = check.int_(raw, "monthly_units_per_child", "[rules]", 1, 1000) if "monthly_units_per_child" in raw \
        else None
    waitlist = check.bool_(raw, "waitlist", "[rules]") if "waitlist" in raw else False
    offer_hours = check.int_(raw, "offer_hours", "[rules]", 1, 24 * 14) if "offer_hours" in raw else None
    no_show_count = no_show_months = None
    limit = check.inline_table(raw, "no_show_limit", "[rules]", {"count", "months"},
                               "{ count = 3, months = 3 }") if "no_show_limit" in raw else None
    if limit is not None:
        no_show_count = check.int_(limit, "count", "[rules] no_show_limit", 1, 100)
        no_show_months = check.int_(limit, "months", "[rules] no_show_limit", 1, 24)
    return Rules(days_before, time, monthly, waitlist, offer_hours, no_show_count, no_show_months)


def _eligibility(check: _Checker, data: dict[str, Any]) -> dict[str, Any]:
    raw = data.get("eligibility", {})
    if not isinstance(raw, dict):
        check.errors.append("[eligibility] must be a table")
        return {"min_age_days": None, "until_school_entry": False}
    check.known(raw, _ELIGIBILITY_FIELDS, "[eligibility]")
    return {"min_age_days": check.int_(raw, "min_age_days", "[eligibility]", 0, _MOST_DAYS)
            if "min_age_days" in raw else None,
            "until_school_entry": check.bool_(raw, "until_school_entry", "[eligibility]")
            if "until_school_entry" in raw else False}


def parse(text: str) -> tuple[dict[str, Any], list[_FacilitySpec]]:
    """Check the whole file; raise one error listing every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FacilitiesFileError(f"not valid TOML: {error}") from error
    check = _Checker()
    tables = {"booking", "fees", "eligibility", "rules", "facility"}
    if set(data) - tables:
        check.errors.append(f"unknown tables {sorted(set(data) - tables)}")
    booking, fees = check.table(data, "booking"), check.table(data, "fees")
    check.known(booking, _BOOKING_FIELDS, "[booking]")
    check.known(fees, _FEE_FIELDS, "[fees]")
    policy: dict[str, Any] = {
        "horizon_days": check.int_(booking, "horizon_days", "[booking]", 1, 366),
        "closed_on_public_holidays": check.bool_(booking, "closed_on_public_holidays", "[booking]"),
        "opens_at": check.hhmm(booking, "opens_at", "[booking]") or "00:00",
        "same_day_until": check.hhmm(booking, "same_day_until", "[booking]"),
        "closed_dates": ",".join(check.closed_dates(booking, "[booking]")),
        "fee_under_1": check.int_(fees, "under_1", "[fees]", 0, 100_000),
        "fee_from_1": check.int_(fees, "from_1", "[fees]", 0, 100_000),
    }
    policy.update(_eligibility(check, data))
    rules = _rules(check, data)
    policy.update({"cancel_days_before": rules.cancel_days_before, "cancel_time": rules.cancel_time,
                   "monthly_units_per_child": rules.monthly_units_per_child, "waitlist": rules.waitlist,
                   "offer_hours": rules.offer_hours, "no_show_count": rules.no_show_count,
                   "no_show_months": rules.no_show_months})
    raw_facilities = data.get("facility")
    if not isinstance(raw_facilities, list) or not raw_facilities:
        check.errors.append("at least one [[facility]] is needed")
        raw_facilities = []
    facilities = [f for i, r in enumerate(raw_facilities, 1)
                  if (f := _facility(check, r, f"facility #{i}")) is not None]
    keys = [f.key for f in facilities]
    for dup in sorted({k for k in keys if keys.count(k) > 1}):
        check.errors.append(f"facility key {dup} appears more than once")
    if check.errors:
        raise FacilitiesFileError("; ".join(check.errors))
    return policy, facilities


def import_facilities(session: Session, path: Path) -> str:
    """Create or update by key; facilities and units left out of the file are deactivated, never deleted."""
    policy_values, specs = parse(path.read_text(encoding="utf-8"))
    row = session.get(BookingPolicy, 1) or BookingPolicy(id=1)
    for field, value in policy_values.items():
        setattr(row, field, value)
    session.add(row)
    existing = {f.key: f for f in session.scalars(select(Facility))}
    created = updated = 0
    for spec in specs:
        facility = existing.pop(spec.key, None)
        if facility is None:
            facility = Facility(key=spec.key, units=[])
            session.add(facility)
            created += 1
        else:
            updated += 1
        facility.name, facility.reading, facility.active = spec.name, spec.reading, True
        facility.short_name, facility.name_en = spec.short_name, spec.name_en
        facility.capacity, facility.infant_capacity = spec.capacity, spec.infant_capacity
        facility.closed_weekdays = ",".join(spec.closed_weekdays)
        facility.closed_dates, facility.min_age_days = ",".join(spec.closed_dates), spec.min_age_days
        units = {u.key: u for u in facility.units}
        for unit_spec in spec.units:
            unit = units.pop(unit_spec.key, None)
            if unit is None:
                unit = Unit(key=unit_spec.key)
                facility.units.append(unit)
            unit.starts, unit.ends, unit.active = unit_spec.start, unit_spec.end, True
        for gone in units.values():
            gone.active = False
    deactivated = sum(1 for f in existing.values() if f.active)
    for gone_facility in existing.values():
        gone_facility.active = False
    session.flush()
    n_units = sum(len(s.units) for s in specs)
    return (f"facilities: {created} created, {updated} updated, {deactivated} deactivated; "
            f"{n_units} units; booking horizon {policy_values['horizon_days']} days")
