"""CSV cells a spreadsheet opens safely: a text that starts like a formula is kept as text.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a formula (and a
leading tab or carriage return can hide one), so a staff name or a note such as `=HYPERLINK(...)` in an
exported file would run on the reader's machine (OWASP "CSV injection"). Such a cell gets a leading `'`,
which spreadsheets read as "this is text" and do not show. Numbers are written as they are: -3 is a number.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """`value`, with a `'` in front when it is text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values: list[object] | tuple[object, ...]) -> list[object]:
    return [cell(v) for v in values]
