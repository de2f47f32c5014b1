"""`azukari import-facilities`: facilities.toml (contract §4) checked whole, then applied whole."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.booking.models import BookingPolicy, Facility, Unit
from azukari.booking.rules import WEEKDAYS, parse_hhmm


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
    capacity: int
    infant_capacity: int
    closed_weekdays: list[str]
    units: list[_UnitSpec]


_FACILITY_FIELDS = {"key", "name", "reading", "capacity", "infant_capacity", "closed_weekdays", "units"}


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

    def table(self, parent: dict[str, Any], field: str) -> dict[str, Any]:
        value = parent.get(field)
        if not isinstance(value, dict):
            self.errors.append(f"[{field}] table is missing")
            return {}
        return value


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
    if set(raw) - _FACILITY_FIELDS:
        check.errors.append(f"{where}: unknown fields {sorted(set(raw) - _FACILITY_FIELDS)}")
    key = check.int_(raw, "key", where, 1, 9)
    name, reading = check.text(raw, "name", where), check.text(raw, "reading", where)
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
    return _FacilitySpec(key, name, reading, capacity, infant_capacity, sorted(set(days), key=WEEKDAYS.index), units)


def parse(text: str) -> tuple[dict[str, Any], list[_FacilitySpec]]:
    """Check the whole file; raise one error listing every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FacilitiesFileError(f"not valid TOML: {error}") from error
    check = _Checker()
    booking, fees = check.table(data, "booking"), check.table(data, "fees")
    policy = {
        "horizon_days": check.int_(booking, "horizon_days", "[booking]", 1, 366),
        "closed_on_public_holidays": check.bool_(booking, "closed_on_public_holidays", "[booking]"),
        "fee_under_1": check.int_(fees, "under_1", "[fees]", 0, 100_000),
        "fee_from_1": check.int_(fees, "from_1", "[fees]", 0, 100_000),
    }
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
        facility.capacity, facility.infant_capacity = spec.capacity, spec.infant_capacity
        facility.closed_weekdays = ",".join(spec.closed_weekdays)
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
