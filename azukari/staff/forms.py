"""Console form input measured against the column it will be stored in, before the database sees it.

Too long a value would otherwise reach PostgreSQL, fail there with a DataError, and the failure
would carry the statement's parameters (a household's name, address, number) towards the log.
"""
from __future__ import annotations

import unicodedata
from typing import Any

from azukari.households.models import Child, Household
from azukari.staff.households import FormError


def limit_of(column: Any) -> int | None:
    """The String(n) length of a mapped column such as Household.address."""
    length = column.property.columns[0].type.length
    return int(length) if length is not None else None


def require_fits(*fields: tuple[str, str, Any]) -> None:
    """(label, value, column) triples; the first that is too long is refused with the form's wording.

    Measured after NFKC, which the stored value may go through: "㈱" is one character typed, three kept.
    """
    for label, value, column in fields:
        limit = limit_of(column)
        if limit is not None and len(unicodedata.normalize("NFKC", value.strip())) > limit:
            raise FormError(f"{label}は{limit}文字以内で入力してください")


def guardian_fields(name: str, kana: str, address: str) -> list[tuple[str, str, Any]]:
    return [("保護者氏名", name, Household.guardian_name), ("保護者のフリガナ", kana, Household.guardian_kana),
            ("住所", address, Household.address)]


def child_fields(names: list[str], kanas: list[str]) -> list[tuple[str, str, Any]]:
    return [*[("子の氏名", name, Child.name) for name in names],
            *[("子のフリガナ", kana, Child.kana) for kana in kanas]]
