"""facilities.toml (contract §4) for tests: written from parameters, then imported as `azukari import-facilities` does.

`facilities_toml(hikarigaoka(capacity=1, infant_capacity=1), rules={"waitlist": True})` is a whole file;
with no facilities it is the `[booking]` and `[fees]` head alone, for tests that add their own text.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from azukari.booking.facilities_file import import_facilities

# The demo ward's file, as `azukari demo` imports it.
DEMO_FACILITIES = Path(__file__).resolve().parents[1] / "azukari" / "registration" / "demo" / "facilities.toml"
Units = Sequence[tuple[str, str]]
MORNING_AND_AFTERNOON: Units = (("09:00", "12:00"), ("13:00", "16:00"))


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def facilities_toml(*facilities: str, horizon_days: int = 30, closed_on_public_holidays: bool = True,
                    under_1: int = 2000, from_1: int = 1500, rules: Mapping[str, int | bool] | None = None) -> str:
    """The file: `[booking]`, `[fees]`, `[rules]` when given, then each `facility(...)` block in order."""
    lines = ["", "[booking]", f"horizon_days = {horizon_days}",
             f"closed_on_public_holidays = {_value(closed_on_public_holidays)}",
             "[fees]", f"under_1 = {under_1}", f"from_1 = {from_1}"]
    if rules is not None:
        lines += ["[rules]", *(f"{name} = {_value(value)}" for name, value in rules.items())]
    return "\n".join(lines) + "\n" + "".join(facilities)


def facility(key: int, name: str, reading: str, *, capacity: int, infant_capacity: int, units: Units,
             closed_weekdays: Sequence[str] | None = None, short_name: str | None = None) -> str:
    """One `[[facility]]` block; its units are keyed 1, 2, ... in the order given as (start, end)."""
    lines = ["", "[[facility]]", f"key = {key}", f"name = {_value(name)}", f"reading = {_value(reading)}"]
    if short_name is not None:
        lines.append(f"short_name = {_value(short_name)}")
    lines += [f"capacity = {capacity}", f"infant_capacity = {infant_capacity}"]
    if closed_weekdays is not None:
        lines.append(f"closed_weekdays = {_value(closed_weekdays)}")
    unit_tables = ", ".join(f'{{ key = {n}, start = "{start}", end = "{end}" }}'
                            for n, (start, end) in enumerate(units, start=1))
    lines.append(f"units = [ {unit_tables} ]")
    return "\n".join(lines) + "\n"


def hikarigaoka(*, capacity: int, infant_capacity: int, units: Units = MORNING_AND_AFTERNOON,
                reading: str = "ひかりがおか", closed_weekdays: Sequence[str] | None = None,
                short_name: str | None = None) -> str:
    """Facility 1, 光が丘: by default a morning and an afternoon unit."""
    return facility(1, "光が丘子ども家庭支援センター", reading, capacity=capacity, infant_capacity=infant_capacity,
                    units=units, closed_weekdays=closed_weekdays, short_name=short_name)


def shakujii(*, capacity: int, infant_capacity: int, units: Units = (("10:00", "13:00"),),
             reading: str = "しゃくじい", closed_weekdays: Sequence[str] | None = None) -> str:
    """Facility 2, 石神井: by default one morning unit."""
    return facility(2, "石神井子ども家庭支援センター", reading, capacity=capacity, infant_capacity=infant_capacity,
                    units=units, closed_weekdays=closed_weekdays)


def import_facilities_text(session: Session, directory: Path, text: str) -> str:
    """Write `text` to `directory`/facilities.toml and import it in `session` (uncommitted); the import's summary."""
    path = directory / "facilities.toml"
    path.write_text(text, encoding="utf-8")
    return import_facilities(session, path)
