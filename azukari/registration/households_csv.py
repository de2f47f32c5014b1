"""households.csv read and checked whole (docs/formats.md): every problem of the file found, by line and column."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass

from azukari.households.phone import to_e164

COLUMNS = ("household_id", "phone_pin", "guardian_name", "guardian_kana", "phone", "address", "child_name",
           "child_kana", "child_birthdate", "child_sex", "registered_on", "dv_flag")
HOUSEHOLD_COLUMNS = ("phone_pin", "guardian_name", "guardian_kana", "phone", "address", "registered_on", "dv_flag")
# Optional (contract §3): a file without them leaves what is stored untouched.
OPTIONAL_COLUMNS = ("registered_facility", "interviewed_on")
_KANA = re.compile(r"[\u3041-\u3096\u309b-\u309f\u30a0-\u30ff ]+")
# After NFKC (full-width digits and slashes become ASCII): 2024-05-01, 2024/5/1, 2024年5月1日.
_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})[-/](\d{1,2})|年(\d{1,2})月(\d{1,2})日)")
DATE_FORMS = "2024-05-01 or 2024/5/1"
# The widest each column may be as typed (the columns of registration/models.py); others are short codes.
_MAX_CHARS = {"guardian_name": 100, "guardian_kana": 100, "address": 300, "child_name": 100, "child_kana": 100}
_NOT_TYPED = re.compile("[\x80-\x9f\ue000-\uf8ff]")
_ENCODINGS_HINT = ('save it from Excel as "CSV UTF-8 (comma delimited)" or "CSV (comma delimited)", '
                   "or see docs/formats.md")


class HouseholdImportError(Exception):
    """The file was refused as a whole; `errors` are its problems, one line each, in file order."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        count = f"{len(errors)} problem" + ("s" if len(errors) != 1 else "")
        super().__init__(f"{count} in the file, nothing imported")


@dataclass(frozen=True)
class ChildRow:
    name: str
    kana: str
    birthdate: dt.date
    sex: str
    line: int = 0  # where it is in the file (0: not from a file)


@dataclass
class HouseholdRow:
    household_id: str
    line: int
    fields: dict[str, object]  # the household columns, parsed
    children: list[ChildRow]


def parse_households(data: bytes, *, today: dt.date) -> list[HouseholdRow]:
    """The file's households in file order, or HouseholdImportError with every problem found."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    header = [name.strip() for name in next(reader, [])]
    errors = _header_errors(header)
    if not any(header):
        raise HouseholdImportError(errors)
    households: dict[str, HouseholdRow] = {}
    ended = reader.line_num
    for cells in reader:
        line, ended = ended + 1, reader.line_num  # where the row starts: a quoted cell may hold line breaks
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, e.g. at the end of a spreadsheet export
        if len(cells) != len(header):
            errors.append(f"line {line}: {len(cells)} cells where the header has {len(header)}")
            continue
        errors.extend(f"line {line}: a value in column {i + 1}, which has no name in the header"
                      for i, (name, value) in enumerate(zip(header, cells, strict=True)) if not name and value.strip())
        raw = {name: value for name, value in zip(header, cells, strict=True)
               if name in COLUMNS or name in OPTIONAL_COLUMNS}
        _parse_row(raw, line, today, households, errors)
    if errors:
        raise HouseholdImportError(errors)
    return list(households.values())


def decode(data: bytes) -> str:
    """UTF-8 (a byte order mark allowed) or else CP932, the "Shift_JIS" Excel writes in Japan; nothing else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
    try:
        # UTF-8 text is almost never valid CP932 the other way round, and plain ASCII reads the same in both.
        text = data.decode("cp932")
    except UnicodeDecodeError:
        text = ""
    # Python's CP932 maps stray bytes (0x80, 0xA0, 0xFD-0xFF: UTF-16's BOM among them) and the user-defined
    # area to control and private-use characters instead of failing: no form typed in Excel holds those.
    if not text or b"\x00" in data or _NOT_TYPED.search(text):
        raise HouseholdImportError([f"line {line}: the file is neither UTF-8 nor Shift_JIS (CP932) text; "
                                    f"{_ENCODINGS_HINT}"])
    return text


def parse_date(text: str) -> tuple[dt.date | None, str]:
    """A date written 2024-05-01, 2024/5/1 or 2024年5月1日 (full-width digits too), or None and why not."""
    shown = unicodedata.normalize("NFKC", text).strip()
    match = _DATE.fullmatch(shown)
    if match is None:
        return None, (f"not a date ({shown}): write it as {DATE_FORMS}" if shown
                      else f"empty: write a date as {DATE_FORMS}")
    year, month, day = (int(part) for part in match.groups() if part is not None)
    try:
        return dt.date(year, month, day), ""
    except ValueError:
        return None, f"no such date ({shown})"


def check_child(*, name: str, kana: str, birthdate: str, sex: str, today: dt.date) -> tuple[ChildRow | None,
                                                                                             dict[str, str]]:
    """One child's cells checked as a CSV row's are: the child, or the problems by column (child_*)."""
    problems: dict[str, str] = {}
    if not name.strip():
        problems["child_name"] = "empty"
    reading = _reading(kana)
    if _KANA.fullmatch(reading) is None:
        problems["child_kana"] = _not_kana(reading)
    born, why = parse_date(birthdate)
    if born is None:
        problems["child_birthdate"] = why
    elif born > today:
        problems["child_birthdate"] = f"in the future ({born.isoformat()})"
    sex_code = unicodedata.normalize("NFKC", sex).strip().upper()
    if sex_code not in ("M", "F", ""):
        problems["child_sex"] = f"not M, F or empty ({sex.strip()})"
    if problems or born is None:
        return None, problems
    return ChildRow(name=name.strip(), kana=reading, birthdate=born, sex=sex_code), problems


def _reading(kana: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", kana).split())


def _not_kana(reading: str) -> str:
    return f"not written in katakana or hiragana ({reading})" if reading else "empty"


def _header_errors(header: list[str]) -> list[str]:
    if not any(header):
        return ["line 1: no header row (the first line should name the columns; see docs/formats.md)"]
    errors = [f"line 1, column {name}: missing from the header" for name in COLUMNS if name not in header]
    # Nameless columns are the empty ones a spreadsheet may export at the right; their cells must be empty.
    errors += [f"line 1, column {name}: not a column of households.csv" for name in header
               if name and name not in COLUMNS and name not in OPTIONAL_COLUMNS]
    errors += [f"line 1, column {name}: named twice in the header" for name in (*COLUMNS, *OPTIONAL_COLUMNS)
               if header.count(name) > 1]
    return errors


def _parse_row(raw: dict[str, str], line: int, today: dt.date, households: dict[str, HouseholdRow],
               errors: list[str]) -> None:
    """Check the columns the header has (a missing one was reported with the header); add the row if sound."""
    cell = {name: raw.get(name, "").strip() for name in (*COLUMNS, *OPTIONAL_COLUMNS)}
    # Checked before anything else and before the database: an over-long value is a DataError on
    # PostgreSQL (whose message would quote the row) and a NUL byte cannot be stored at all.
    unfit = {name: "contains a NUL byte" if "\x00" in value else f"longer than {_MAX_CHARS.get(name, 40)} characters"
             for name, value in cell.items() if "\x00" in value or len(value) > _MAX_CHARS.get(name, 40)}
    if unfit:
        errors.extend(f"line {line}, column {column}: {message}" for column, message in unfit.items())
        return
    problems, parsed = _check_household(cell)
    child, child_problems = check_child(name=cell["child_name"], kana=cell["child_kana"],
                                        birthdate=cell["child_birthdate"], sex=cell["child_sex"], today=today)
    problems.update(child_problems)
    errors.extend(f"line {line}, column {column}: {message}" for column, message in problems.items()
                  if column in raw)
    if problems or child is None:
        return
    child = dataclasses.replace(child, line=line)
    household_id = str(parsed["household_id"])
    fields = {column: parsed[column] for column in (*HOUSEHOLD_COLUMNS, *OPTIONAL_COLUMNS) if column in raw}
    known = households.get(household_id)
    if known is None:
        households[household_id] = HouseholdRow(household_id, line, fields, [child])
        return
    errors.extend(f"line {line}, column {column}: differs from line {known.line}, the same household {household_id}"
                  for column in fields if fields[column] != known.fields.get(column))
    if any(same_name(c.name, child.name) and c.birthdate == child.birthdate for c in known.children):
        errors.append(f"line {line}, column child_name: the same child twice in household {household_id}")
    known.children.append(child)


def _check_household(cell: dict[str, str]) -> tuple[dict[str, str], dict[str, object]]:
    norm = {name: unicodedata.normalize("NFKC", value) for name, value in cell.items()}
    problems: dict[str, str] = {}
    parsed: dict[str, object] = {}

    def check(column: str, ok: bool, message: str, value: object) -> None:
        if ok:
            parsed[column] = value
        else:
            problems[column] = message

    check("household_id", re.fullmatch(r"[0-9]{6,10}", norm["household_id"]) is not None,
          f"not 6 to 10 digits ({norm['household_id']})" if norm["household_id"] else "empty", norm["household_id"])
    # The PIN is never echoed: this output may be pasted into a ticket.
    check("phone_pin", re.fullmatch(r"[0-9]{4,8}", norm["phone_pin"]) is not None,
          "not 4 to 8 digits" if norm["phone_pin"] else "empty", norm["phone_pin"])
    for column in ("guardian_name", "address"):
        check(column, bool(cell[column]), "empty", cell[column])
    kana = _reading(cell["guardian_kana"])
    check("guardian_kana", _KANA.fullmatch(kana) is not None, _not_kana(kana), kana)
    phone = _e164(cell["phone"])
    check("phone", phone is not None,
          f"not a Japanese phone number ({cell['phone']})" if cell["phone"] else "empty", phone)
    registered_on, why = parse_date(cell["registered_on"])
    check("registered_on", registered_on is not None, why, registered_on)
    check("dv_flag", norm["dv_flag"] in ("0", "1"), f"not 0 or 1 ({norm['dv_flag']})" if norm["dv_flag"] else "empty",
          norm["dv_flag"] == "1")
    facility = norm["registered_facility"].strip()
    check("registered_facility", facility == "" or re.fullmatch(r"[0-9]{1,3}", facility) is not None,
          f"not a facility key ({facility})", int(facility) if facility.isdigit() else None)
    if norm["interviewed_on"].strip():
        interviewed_on, why = parse_date(cell["interviewed_on"])
        check("interviewed_on", interviewed_on is not None, why, interviewed_on)
    else:
        parsed["interviewed_on"] = None
    return problems, parsed


def _e164(text: str) -> str | None:
    try:
        return to_e164(text)
    except ValueError:
        return None


def same_name(a: str, b: str) -> bool:
    """Spacing, width and hiragana/katakana do not make a different name."""
    return _folded(a) == _folded(b)


def _folded(text: str) -> str:
    plain = "".join(unicodedata.normalize("NFKC", text).split())
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in plain)
