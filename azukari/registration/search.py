"""Finding a household at the counter: by 世帯ID, the number on file in any spelling, or any name or reading."""
from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select, union
from sqlalchemy.orm import Session, selectinload

from azukari.booking.models import Facility
from azukari.booking.rules import age_in_years
from azukari.households.models import TERM_CHARS, Household, HouseholdSearchTerm
from azukari.households.phone import to_e164
from azukari.identity.address import town_of
from azukari.language.normalize import search_form

PER_PAGE = 20
# Above every code point: `term < prefix + _LAST` keeps exactly the terms that start with `prefix`.
_LAST = "\U0010ffff"
_NUMBER_MARKS = re.compile(r"[\s\-‐‑–—−ー()（）]")


@dataclass(frozen=True)
class ChildLine:
    name: str
    kana: str
    age: int  # whole years, Tokyo today


@dataclass(frozen=True)
class Hit:
    """One household in the results: enough to tell two families of one name apart, not the full address."""

    id: int
    household_id: str
    guardian_name: str
    guardian_kana: str
    town: str
    dv_flag: bool
    valid_until: dt.date
    children: list[ChildLine]


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int
    page: int  # 1-based, within 1..pages
    pages: int


def _matching_ids(query: str) -> Select[int] | None:
    """The keys of matching households, each source on its own index (a union, so no OR defeats them)."""
    if "\x00" in query:  # nothing stored holds a NUL, and PostgreSQL refuses one in a query
        return None
    text = unicodedata.normalize("NFKC", query).strip()
    digits = _NUMBER_MARKS.sub("", text)
    sources: list[Select[int]] = []
    if digits.isdigit():
        sources.append(select(Household.id).where(Household.household_id == digits))
    terms: list[ColumnElement[bool]] = []
    with contextlib.suppress(ValueError):  # not a possible phone number: names only
        terms.append(HouseholdSearchTerm.term == to_e164(text))
    prefix = search_form(text)[:TERM_CHARS]
    if prefix and not digits.lstrip("+").isdigit():
        terms.append((HouseholdSearchTerm.term >= prefix) & (HouseholdSearchTerm.term < prefix + _LAST))
    sources += [select(HouseholdSearchTerm.household_pk).where(term) for term in terms]
    if not sources:
        return None
    # Distinct: a household matches once however many of its people's terms start with the query.
    return sources[0].distinct() if len(sources) == 1 else union(*sources)  # type: ignore[return-value]


@dataclass(frozen=True)
class Narrowing:
    """What the record says of the registration, searched alone or with a query: where it was made (登録施設,
    a facility key) and when its interview (面談) was, between two days inclusive."""

    facility: int | None = None
    interviewed_from: dt.date | None = None
    interviewed_until: dt.date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.facility is not None:
            found.append(Household.registered_facility == self.facility)
        if self.interviewed_from is not None:
            found.append(Household.interviewed_on >= self.interviewed_from)
        if self.interviewed_until is not None:
            found.append(Household.interviewed_on <= self.interviewed_until)
        return found


def find(session: Session, *, query: str, today: dt.date, page: int = 1, per_page: int = PER_PAGE,
         narrowing: Narrowing | None = None) -> Results:
    """Households whose ID or number on file is the query, or one of whose people's names or readings starts
    with it (variant kanji, kana of either kind and width, spaces folded); by reading, `per_page` at a time.
    `narrowing` keeps those registered at a facility or interviewed between two days (with no query: all such)."""
    conditions = narrowing.conditions() if narrowing is not None else []
    ids = _matching_ids(query) if query.strip() or not conditions else None
    if ids is None and (query.strip() or not conditions):
        return Results([], 0, 1, 1)
    where = [*([Household.id.in_(ids)] if ids is not None else []), *conditions]
    if conditions:
        total = session.scalar(select(func.count()).select_from(Household).where(*where)) or 0
    else:  # counted on the term index alone: no household row is read for the count
        assert ids is not None
        total = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = session.scalars(select(Household).where(*where).options(selectinload(Household.children))
                           .order_by(Household.guardian_kana, Household.household_id)
                           .offset((page - 1) * per_page).limit(per_page))
    hits = [Hit(h.id, h.household_id, h.guardian_name, h.guardian_kana, town_of(h.address), h.dv_flag,
                h.valid_until(), [ChildLine(c.name, c.kana, age_in_years(c.birthdate, today)) for c in h.children])
            for h in rows]
    return Results(hits, total, page, pages)


def facilities(session: Session) -> list[Facility]:
    """The facilities a registration may name as where it was made (登録施設), in key order."""
    return list(session.scalars(select(Facility).order_by(Facility.key)))


def facility_name(session: Session, key: int | None) -> str:
    """The name of the facility with this key, or "" (none recorded, or a key no facility has now)."""
    if key is None:
        return ""
    return session.scalar(select(Facility.name).where(Facility.key == key)) or f"施設 {key}"
