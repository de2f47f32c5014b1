"""`azukari import-households`: households.csv (docs/formats.md) checked whole, then written in one transaction."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from azukari.clock import SystemClock, tokyo_today
from azukari.households.models import Child, Household
from azukari.households.pins import settle_pin
from azukari.identity.stored_keys import store_household_keys
from azukari.registration.households_csv import (
    COLUMNS,
    HOUSEHOLD_COLUMNS,
    ChildRow,
    HouseholdImportError,
    HouseholdRow,
    check_child,
    parse_households,
    same_name,
)

__all__ = ["COLUMNS", "ChildRow", "HouseholdImportError", "ImportSummary", "check_child", "import_households",
           "is_same_child"]

Progress = Callable[[int, int], None]  # (households done, households in the file)
_FLUSH_EVERY = 500  # rows written while the pool hashes the next ones; also under every driver's parameter limit


@dataclass(frozen=True)
class ImportSummary:
    households: int
    children: int
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return (f"{self.households} households, {self.children} children: {self.created} created, "
                f"{self.updated} updated, {self.unchanged} unchanged")


def import_households(session: Session, path: Path, *, today: dt.date | None = None,
                      progress: Progress | None = None, workers: int | None = None) -> ImportSummary:
    """Create or update every household in the file, or raise HouseholdImportError and write nothing.

    Children are matched by (name or kana) + birthdate and updated, new ones added. Children on
    file but absent from the CSV are kept: they may hold reservations, and a paper re-registration
    that omits a sibling is no reason to erase that sibling's bookings. The caller commits.
    `workers` hash PINs at once (default: one per core; 1 hashes in this thread).
    """
    rows = parse_households(path.read_bytes(), today=today or tokyo_today(SystemClock()))
    existing = _existing(session, [row.household_id for row in rows])
    created = updated = 0
    written: list[Household] = []  # created or changed since the last flush
    tasks = [(str(row.fields["phone_pin"]), _stored_hash(existing.get(row.household_id))) for row in rows]
    for done, (row, new_hash) in enumerate(zip(rows, _settled(tasks, workers), strict=True), start=1):
        household = existing.get(row.household_id)
        if household is None:
            household = Household(household_id=row.household_id, children=[])
            session.add(household)
            created += 1
            _apply(household, row, new_hash)
            written.append(household)
        elif _apply(household, row, new_hash):
            updated += 1
            written.append(household)
        if done % _FLUSH_EVERY == 0 or done == len(rows):
            session.flush()
            store_household_keys(session, *written)  # what verification compares, worked out once here
            written.clear()
        if progress is not None:
            progress(done, len(rows))
    children = sum(len(row.children) for row in rows)
    return ImportSummary(len(rows), children, created, updated, len(rows) - created - updated)


def _stored_hash(household: Household | None) -> str | None:
    return household.pin_hash if household is not None else None


def _settled(tasks: list[tuple[str, str | None]], workers: int | None) -> Iterator[str | None]:
    """Each task's new hash (None: the stored one verifies), in order, as the pool finishes them.

    Every task costs one argon2 run (two when a PIN changed), tens of milliseconds each, so this is
    where a large file spends its time. argon2-cffi releases the GIL while it hashes, so threads keep
    every core busy without the start-up and pickling of processes (bench/import_households.py
    measured both; docs/benchmarks.md).
    """
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(tasks) < 2:
        yield from (settle_pin(pin, stored) for pin, stored in tasks)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
    try:
        yield from pool.map(settle_pin, *zip(*tasks, strict=True))
    finally:  # a failed write stops the hashing still queued instead of waiting minutes for it
        pool.shutdown(wait=True, cancel_futures=True)


def _apply(household: Household, row: HouseholdRow, new_hash: str | None) -> bool:
    """Bring the household to the row; whether anything changed (attributes equal to the row are not touched)."""
    changed = new_hash is not None
    if new_hash is not None:
        household.pin_hash = new_hash
    for column in HOUSEHOLD_COLUMNS:
        if column != "phone_pin" and getattr(household, column, None) != row.fields[column]:
            setattr(household, column, row.fields[column])
            changed = True
    return _merge_children(household, row.children) or changed


def _existing(session: Session, household_ids: list[str]) -> dict[str, Household]:
    found: dict[str, Household] = {}
    for start in range(0, len(household_ids), 500):  # stay under every driver's parameter limit
        chunk = household_ids[start:start + 500]
        query = select(Household).where(Household.household_id.in_(chunk)).options(selectinload(Household.children))
        found.update({h.household_id: h for h in session.scalars(query)})
    return found


def _merge_children(household: Household, rows: Iterable[ChildRow]) -> bool:
    changed = False
    for row in rows:
        match = next((c for c in household.children
                      if is_same_child(c, name=row.name, kana=row.kana, birthdate=row.birthdate)), None)
        if match is None:
            household.children.append(Child(name=row.name, kana=row.kana, birthdate=row.birthdate, sex=row.sex))
            changed = True
        elif (match.name, match.kana, match.sex) != (row.name, row.kana, row.sex):
            match.name, match.kana, match.sex = row.name, row.kana, row.sex
            changed = True
    return changed


def is_same_child(child: Child, *, name: str, kana: str, birthdate: dt.date) -> bool:
    """The same birthdate and the same name or reading: one child, however it was typed."""
    return child.birthdate == birthdate and (same_name(child.name, name) or same_name(child.kana, kana))
