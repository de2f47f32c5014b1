"""`azukari import-households`: households.csv (contract §3) checked whole, then written."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from azukari.clock import SystemClock, tokyo_today
from azukari.identity.stored_keys import store_household_keys
from azukari.registration.models import Child, Household
from azukari.registration.phone import to_e164
from azukari.registration.pins import hash_pin, verify_pin

COLUMNS = ("household_id", "phone_pin", "guardian_name", "guardian_kana", "phone", "address", "child_name",
           "child_kana", "child_birthdate", "child_sex", "registered_on", "dv_flag")
HOUSEHOLD_COLUMNS = ("phone_pin", "guardian_name", "guardian_kana", "phone", "address", "registered_on", "dv_flag")
MAX_LISTED = 20
_KANA = re.compile(r"[\u3041-\u3096\u309b-\u309f\u30a0-\u30ff ]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class HouseholdImportError(Exception):
    """The file was refused as a whole; `errors` name a line and column each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        listed = "; ".join(errors[:MAX_LISTED])
        more = f"; … and {len(errors) - MAX_LISTED} more" if len(errors) > MAX_LISTED else ""
        # One line: the CLI reports failures as a single line on stderr (contract §2).
        super().__init__(f"{len(errors)} error(s), nothing imported: {listed}{more}")


@dataclass(frozen=True)
class ChildRow:
    name: str
    kana: str
    birthdate: dt.date
    sex: str


@dataclass
class HouseholdRow:
    household_id: str
    line: int
    fields: dict[str, object]  # the household columns, parsed
    children: list[ChildRow]


def import_households(session: Session, path: Path, *, today: dt.date | None = None) -> str:
    """Create or update every household in the file, or raise HouseholdImportError and write nothing.

    Children are matched by (name or kana) + birthdate and updated, new ones added. Children on
    file but absent from the CSV are kept: they may hold reservations, and a paper re-registration
    that omits a sibling is no reason to erase that sibling's bookings.
    """
    households = parse_households(path.read_bytes(), today=today or tokyo_today(SystemClock()))
    existing = _existing(session, [h.household_id for h in households])
    hashes = _new_pin_hashes(households, existing)
    created = updated = 0
    written: list[Household] = []
    for row in households:
        household = existing.get(row.household_id)
        if household is None:
            household = Household(household_id=row.household_id, children=[])
            session.add(household)
            created += 1
        else:
            updated += 1
        if row.household_id in hashes:
            household.pin_hash = hashes[row.household_id]
        for column in HOUSEHOLD_COLUMNS:
            if column != "phone_pin":  # stored only as the hash above
                setattr(household, column, row.fields[column])
        _merge_children(household, row.children)
        written.append(household)
    session.flush()
    store_household_keys(session, *written)  # what verification compares, worked out once here
    children = sum(len(h.children) for h in households)
    return f"{len(households)} households, {children} children: {created} created, {updated} updated"


def _existing(session: Session, household_ids: list[str]) -> dict[str, Household]:
    found: dict[str, Household] = {}
    for start in range(0, len(household_ids), 500):  # stay under every driver's parameter limit
        chunk = household_ids[start:start + 500]
        query = select(Household).where(Household.household_id.in_(chunk)).options(selectinload(Household.children))
        found.update({h.household_id: h for h in session.scalars(query)})
    return found


def _new_pin_hashes(households: list[HouseholdRow], existing: dict[str, Household]) -> dict[str, str]:
    """Argon2 hashes for new households and changed PINs only: each hash costs tens of milliseconds."""
    def needed(row: HouseholdRow) -> bool:
        known = existing.get(row.household_id)
        return known is None or not verify_pin(known.pin_hash, str(row.fields["phone_pin"]))

    def work(row: HouseholdRow) -> tuple[str, str]:
        return row.household_id, hash_pin(str(row.fields["phone_pin"]))

    # argon2-cffi releases the GIL while hashing, so threads use every core.
    with ThreadPoolExecutor() as pool:
        todo = [row for row, need in zip(households, pool.map(needed, households), strict=True) if need]
        return dict(pool.map(work, todo))


def _merge_children(household: Household, rows: Iterable[ChildRow]) -> None:
    for row in rows:
        match = next((c for c in household.children
                      if is_same_child(c, name=row.name, kana=row.kana, birthdate=row.birthdate)), None)
        if match is None:
            household.children.append(Child(name=row.name, kana=row.kana, birthdate=row.birthdate, sex=row.sex))
        else:
            match.name, match.kana, match.sex = row.name, row.kana, row.sex


def is_same_child(child: Child, *, name: str, kana: str, birthdate: dt.date) -> bool:
    """The same birthdate and the same name or reading: one child, however it was typed."""
    return child.birthdate == birthdate and (_same(child.name, name) or _same(child.kana, kana))


def check_child(*, name: str, kana: str, birthdate: str, sex: str, today: dt.date) -> tuple[ChildRow | None,
                                                                                             dict[str, str]]:
    """One child's cells checked as a CSV row's are: the child, or the problems by column (child_*)."""
    norm = {column: unicodedata.normalize("NFKC", value.strip()) for column, value in
            (("child_kana", kana), ("child_birthdate", birthdate), ("child_sex", sex))}
    problems: dict[str, str] = {}
    if not name.strip():
        problems["child_name"] = "empty"
    reading = " ".join(norm["child_kana"].split())
    if _KANA.fullmatch(reading) is None:
        problems["child_kana"] = "not katakana or hiragana"
    born = _iso_date(norm["child_birthdate"])
    if born is None:
        problems["child_birthdate"] = f"not an ISO date {norm['child_birthdate']!r}"
    elif born > today:
        problems["child_birthdate"] = f"in the future {norm['child_birthdate']!r}"
    if norm["child_sex"].upper() not in ("M", "F", ""):
        problems["child_sex"] = f"not M, F or empty {norm['child_sex']!r}"
    if problems or born is None:
        return None, problems
    return ChildRow(name=name.strip(), kana=reading, birthdate=born, sex=norm["child_sex"].upper()), problems


def _same(a: str, b: str) -> bool:
    return _folded(a) == _folded(b)


def _folded(text: str) -> str:
    """Spacing, width and hiragana/katakana do not make a different child."""
    plain = "".join(unicodedata.normalize("NFKC", text).split())
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in plain)


def parse_households(data: bytes, *, today: dt.date) -> list[HouseholdRow]:
    """The file's households in file order, or HouseholdImportError with every problem found."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HouseholdImportError([f"byte {error.start}: the file is not UTF-8"]) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    errors = _header_errors(header)
    if errors:
        raise HouseholdImportError(errors)
    households: dict[str, HouseholdRow] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, e.g. at the end of a spreadsheet export
        if len(cells) != len(header):
            errors.append(f"line {line}: {len(cells)} fields, the header has {len(header)}")
            continue
        _parse_row(dict(zip(header, cells, strict=True)), line, today, households, errors)
    if errors:
        raise HouseholdImportError(errors)
    return list(households.values())


def _header_errors(header: list[str]) -> list[str]:
    if not any(header):
        return ["line 1: the header row is missing"]
    errors = [f"line 1, column {name}: missing" for name in COLUMNS if name not in header]
    errors += [f"line 1, column {name!r}: unknown" for name in header if name not in COLUMNS]
    errors += [f"line 1, column {name}: repeated" for name in COLUMNS if header.count(name) > 1]
    return errors


def _parse_row(raw: dict[str, str], line: int, today: dt.date, households: dict[str, HouseholdRow],
               errors: list[str]) -> None:
    cell = {name: value.strip() for name, value in raw.items()}
    # Checked before anything else and before the database: an over-long value is a DataError on
    # PostgreSQL (whose message would quote the row) and a NUL byte cannot be stored at all.
    unfit = {name: "contains a NUL byte" if "\x00" in value else f"longer than {_MAX_CHARS.get(name, 40)} characters"
             for name, value in cell.items() if "\x00" in value or len(value) > _MAX_CHARS.get(name, 40)}
    if unfit:
        errors.extend(f"line {line}, column {column}: {message}" for column, message in unfit.items())
        return
    norm = {name: unicodedata.normalize("NFKC", value) for name, value in cell.items()}
    problems: dict[str, str] = {}
    parsed: dict[str, object] = {}

    def check(column: str, ok: bool, message: str, value: object) -> None:
        if ok:
            parsed[column] = value
        else:
            problems[column] = message

    household_id = norm["household_id"]
    check("household_id", re.fullmatch(r"[0-9]{6,10}", household_id) is not None,
          f"not 6–10 digits {household_id!r}", household_id)
    check("phone_pin", re.fullmatch(r"[0-9]{4,8}", norm["phone_pin"]) is not None, "not 4–8 digits", norm["phone_pin"])
    for column in ("guardian_name", "address"):
        check(column, bool(cell[column]), "empty", cell[column])
    kana = " ".join(norm["guardian_kana"].split())
    check("guardian_kana", _KANA.fullmatch(kana) is not None, "not katakana or hiragana", kana)
    try:
        parsed["phone"] = to_e164(cell["phone"])
    except ValueError:
        problems["phone"] = "not a Japanese or E.164 phone number"
    child, child_problems = check_child(name=cell["child_name"], kana=cell["child_kana"],
                                        birthdate=cell["child_birthdate"], sex=cell["child_sex"], today=today)
    problems.update(child_problems)
    registered_on = _iso_date(norm["registered_on"])
    check("registered_on", registered_on is not None, f"not an ISO date {norm['registered_on']!r}", registered_on)
    check("dv_flag", norm["dv_flag"] in ("0", "1"), f"not 0 or 1 {norm['dv_flag']!r}", norm["dv_flag"] == "1")
    errors.extend(f"line {line}, column {column}: {message}" for column, message in problems.items())
    if problems or child is None:
        return
    fields = {column: parsed[column] for column in HOUSEHOLD_COLUMNS}
    known = households.get(household_id)
    if known is None:
        households[household_id] = HouseholdRow(household_id, line, fields, [child])
        return
    errors.extend(f"line {line}, column {column}: differs from line {known.line} of household {household_id}"
                  for column in HOUSEHOLD_COLUMNS if fields[column] != known.fields[column])
    if any(_same(c.name, child.name) and c.birthdate == child.birthdate for c in known.children):
        errors.append(f"line {line}, column child_name: the same child twice in household {household_id}")
    known.children.append(child)


# The widest each column may be as typed (the columns of registration/models.py); others are short codes.
_MAX_CHARS = {"guardian_name": 100, "guardian_kana": 100, "address": 300, "child_name": 100, "child_kana": 100}


def _iso_date(text: str) -> dt.date | None:
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
