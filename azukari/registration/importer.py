"""`azukari import-households`: households.csv (docs/formats.md) checked whole, then written in one transaction."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from azukari.clock import SystemClock, tokyo_today
from azukari.db import utcnow
from azukari.households import web_access
from azukari.households.models import Child, Household
from azukari.households.pins import hash_pin, settle_pin
from azukari.identity.stored_keys import store_household_keys
from azukari.registration.duplicates import household_ids, record_pairs
from azukari.registration.households_csv import (
    COLUMNS,
    HOUSEHOLD_COLUMNS,
    OPTIONAL_COLUMNS,
    ChildRow,
    HouseholdImportError,
    HouseholdRow,
    check_child,
    parse_households,
    same_name,
)

__all__ = ["COLUMNS", "ChildRow", "CorrectionNote", "DuplicateNote", "HouseholdImportError", "ImportSummary",
           "check_child", "import_households", "import_households_data", "is_same_child"]

Progress = Callable[[int, int], None]  # (households done, households in the file)
# Hands a household's first web password to whoever prints its letter; the password is stored hashed only.
Letter = Callable[[Household, str], None]
_FLUSH_EVERY = 500  # rows written while the pool hashes the next ones; also under every driver's parameter limit


@dataclass(frozen=True)
class DuplicateNote:
    """A child of the file suspected to be a child of another household: where it is, and where the other is."""

    line: int
    household_id: str
    other_household_id: str
    other_line: int  # 0: the other child is not in this file
    strength: str

    def __str__(self) -> str:
        other = f"household {self.other_household_id}" + (f" (line {self.other_line})" if self.other_line else "")
        why = {"guardian": ", the same guardian", "address": ", the same address",
               "guardian_address": ", the same guardian and address"}.get(self.strength, "")
        return (f"line {self.line}, household {self.household_id}: may be the same child as in {other} "
                f"(same birthdate and name{why}); booked as one child until staff merge or dismiss the pair")


@dataclass(frozen=True)
class CorrectionNote:
    """A row naming a child already on file in its household with another birthdate: not added as a second
    child; staff confirm the correction on the household page (the file's value is not shown here)."""

    line: int
    household_id: str

    def __str__(self) -> str:
        return (f"line {self.line}, household {self.household_id}: a child of this name is on file with another "
                "birthdate; not added as a second child: if the file is right, correct the birthdate on the "
                "household page")


@dataclass(frozen=True)
class ImportSummary:
    households: int
    children: int
    created: int
    updated: int
    unchanged: int
    duplicates: tuple[DuplicateNote, ...] = ()
    corrections: tuple[CorrectionNote, ...] = ()
    web_letters: int = 0  # first web passwords issued, each handed to a letter
    without_web_password: int = 0  # households of the file with no web password (no letter) yet


    def audit_detail(self) -> dict[str, object]:
        """The counts for the audit trail (no names, no lines of the file)."""
        return {"households": self.households, "children": self.children, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "duplicates": len(self.duplicates),
                "corrections": len(self.corrections), "web_letters": self.web_letters,
                "without_web_password": self.without_web_password}

    def __str__(self) -> str:
        counts = (f"{self.households} households, {self.children} children: {self.created} created, "
                  f"{self.updated} updated, {self.unchanged} unchanged")
        if self.corrections:
            counts += f"; {len(self.corrections)} birthdate corrections to confirm"
        if self.duplicates:
            counts += f"; {len(self.duplicates)} suspected duplicates (console: 重複の疑い)"
        notes: list[CorrectionNote | DuplicateNote] = sorted((*self.corrections, *self.duplicates),
                                                             key=lambda note: note.line)
        return "\n".join((*(str(note) for note in notes), counts))

    def web_passwords(self) -> str:
        """The command's line on first web passwords: letters written, households still without one, or ""."""
        if self.without_web_password:
            return (f"web passwords: {self.without_web_password} households have no web password letter yet "
                    "(run again with --letters DIR, or issue one on the household page)")
        if self.web_letters:
            return f"web passwords: {self.web_letters} first passwords issued, a letter each written"
        return ""


def import_households(session: Session, path: Path, *, today: dt.date | None = None,
                      progress: Progress | None = None, workers: int | None = None,
                      letter: Letter | None = None) -> ImportSummary:
    """Create or update every household in the file, or raise HouseholdImportError and write nothing.

    Children are matched by (name or kana) + birthdate and updated, new ones added. Children on
    file but absent from the CSV are kept: they may hold reservations, and a paper re-registration
    that omits a sibling is no reason to erase that sibling's bookings. The caller commits.
    `workers` hash PINs at once (default: one per core; 1 hashes in this thread).
    With `letter`, every household of the file that has no web password yet (a new one, or one imported
    before without letters) gets a first one, handed to `letter` once; a household that has one keeps it.
    """
    return import_households_data(session, path.read_bytes(), today=today, progress=progress, workers=workers,
                                  letter=letter)


def import_households_data(session: Session, data: bytes, *, today: dt.date | None = None,
                           progress: Progress | None = None, workers: int | None = None,
                           letter: Letter | None = None) -> ImportSummary:
    """`import_households` on the file's bytes (the console's upload): the same checks, the same writes."""
    rows = parse_households(data, today=today or tokyo_today(SystemClock()))
    existing = _existing(session, [row.household_id for row in rows])
    created = updated = 0
    written: list[Household] = []  # created or changed since the last flush
    every: dict[str, Household] = {}
    corrections: list[CorrectionNote] = []
    tasks = [(str(row.fields["phone_pin"]), _stored_hash(existing.get(row.household_id))) for row in rows]
    for done, (row, new_hash) in enumerate(zip(rows, _settled(tasks, workers), strict=True), start=1):
        household = existing.get(row.household_id)
        if household is None:
            household = Household(household_id=row.household_id, children=[])
            session.add(household)
            created += 1
            _apply(household, row, new_hash, corrections)
            written.append(household)
        elif _apply(household, row, new_hash, corrections):
            updated += 1
            written.append(household)
        every[row.household_id] = household
        if done % _FLUSH_EVERY == 0 or done == len(rows):
            session.flush()
            store_household_keys(session, *written)  # what verification compares, worked out once here
            written.clear()
        if progress is not None:
            progress(done, len(rows))
    children = sum(len(row.children) for row in rows)
    without = web_access.without_access(session, [household.id for household in every.values()])
    letters = _first_web_passwords(session, [h for h in every.values() if h.id in without], letter,
                                   workers) if letter is not None else 0
    notes = _duplicates(session, rows, households=every)
    return ImportSummary(len(rows), children, created, updated, len(rows) - created - updated, notes,
                         tuple(corrections), web_letters=letters, without_web_password=len(without) - letters)


def _first_web_passwords(session: Session, households: list[Household], letter: Letter,
                         workers: int | None) -> int:
    """A first web password for each household, hashed in the pool, stored hashed, handed to `letter` once."""
    passwords = [web_access.new_letter_password() for _ in households]
    now = utcnow()
    for household, password, hashed in zip(households, passwords, _hashed(passwords, workers), strict=True):
        web_access.record(session, household_pk=household.id, password_hash=hashed, now=now)
        letter(household, password)
    session.flush()
    return len(households)


def _hashed(passwords: list[str], workers: int | None) -> Iterator[str]:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(passwords) < 2:
        yield from map(hash_pin, passwords)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
    try:
        yield from pool.map(hash_pin, passwords)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _duplicates(session: Session, rows: list[HouseholdRow], *,
                households: dict[str, Household]) -> tuple[DuplicateNote, ...]:
    """Store the suspected duplicates of every child in the file; one note per pair the file's children are in."""
    by_id = households
    where: dict[int, tuple[int, str]] = {}  # child id -> (line, 世帯ID)
    for row in rows:
        household = by_id[row.household_id]
        for child_row in row.children:
            match = next((c for c in household.children if is_same_child(
                c, name=child_row.name, kana=child_row.kana, birthdate=child_row.birthdate)), None)
            if match is not None:
                where[match.id] = (child_row.line, row.household_id)
    pairs = record_pairs(session, list(where), now=utcnow())
    homes = household_ids(session, {h for p in pairs for h in (p.household_a, p.household_b)})
    notes = []
    for pair in pairs:
        for mine, other, other_home in ((pair.child_a, pair.child_b, pair.household_b),
                                        (pair.child_b, pair.child_a, pair.household_a)):
            if mine in where:
                line, household_id = where[mine]
                other_line = where.get(other, (0, ""))[0]
                if other_line and other_line > line:
                    continue  # one note per pair when both are in the file: at the later line
                notes.append(DuplicateNote(line, household_id, homes.get(other_home, "?"), other_line,
                                           pair.strength))
                break
    return tuple(sorted(notes, key=lambda note: note.line))


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


def _apply(household: Household, row: HouseholdRow, new_hash: str | None, corrections: list[CorrectionNote]) -> bool:
    """Bring the household to the row; whether anything changed (attributes equal to the row are not touched)."""
    changed = new_hash is not None
    if new_hash is not None:
        household.pin_hash = new_hash
    for column in (*HOUSEHOLD_COLUMNS, *OPTIONAL_COLUMNS):
        if column in row.fields and column != "phone_pin" and getattr(household, column, None) != row.fields[column]:
            setattr(household, column, row.fields[column])
            changed = True
    return _merge_children(household, row, corrections) or changed


def _existing(session: Session, household_ids: list[str]) -> dict[str, Household]:
    found: dict[str, Household] = {}
    for start in range(0, len(household_ids), 500):  # stay under every driver's parameter limit
        chunk = household_ids[start:start + 500]
        query = select(Household).where(Household.household_id.in_(chunk)).options(selectinload(Household.children))
        found.update({h.household_id: h for h in session.scalars(query)})
    return found


def _merge_children(household: Household, household_row: HouseholdRow, corrections: list[CorrectionNote]) -> bool:
    changed = False
    for row in household_row.children:
        match = next((c for c in household.children
                      if is_same_child(c, name=row.name, kana=row.kana, birthdate=row.birthdate)), None)
        if match is None and any(same_name(c.name, row.name) for c in household.children if c.id is not None):
            # The same child with another birthdate (a typing error on either side), not a newborn sibling.
            corrections.append(CorrectionNote(row.line, household_row.household_id))
            continue
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
