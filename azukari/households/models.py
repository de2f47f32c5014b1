"""Households and children as registered on paper (contract §3)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, event, inspect
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstanceState, Mapped, Session, mapped_column, relationship

from azukari.db import Base, UTCDateTime, utcnow
from azukari.language.normalize import name_parts, search_form

TERM_CHARS = 100
# Byte order on both databases, so that `term >= q AND term < q + U+10FFFF` is a prefix search an
# ordinary index answers (a linguistic collation on PostgreSQL would not keep prefixes together).
SEARCH_TERM = String(TERM_CHARS).with_variant(postgresql.VARCHAR(TERM_CHARS, collation="C"), "postgresql")



class HouseholdNotFound(LookupError):
    """No household has that primary key (an erased one included)."""

class Household(Base):
    __tablename__ = "households"
    __table_args__ = (Index("ix_households_registered_on", "registered_on"),)  # expiry notices

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[str] = mapped_column(String(10), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    guardian_name: Mapped[str] = mapped_column(String(100))
    guardian_kana: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))  # E.164, the number on file
    address: Mapped[str] = mapped_column(String(300))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    dv_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_facility: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a facility key (登録施設)
    interviewed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the registration interview (面談)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # The current children only: a child staff removed from the registration (`Child.removed_at`) stays a row,
    # for its bookings' history, and is found by nothing live. Erasing the household still deletes it: the
    # database's ON DELETE CASCADE from `households`, not this relationship, takes every child row.
    children: Mapped[list[Child]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Child.id",
        primaryjoin="and_(Household.id == Child.household_pk, Child.removed_at.is_(None))")
    search_terms: Mapped[list[HouseholdSearchTerm]] = relationship(cascade="all, delete-orphan",
                                                                   passive_deletes=True)

    def valid_until(self) -> dt.date:
        """Registration is valid for one year from registered_on (the day before the anniversary)."""
        try:
            anniversary = self.registered_on.replace(year=self.registered_on.year + 1)
        except ValueError:  # 29 February
            anniversary = self.registered_on.replace(year=self.registered_on.year + 1, day=28)
        return anniversary - dt.timedelta(days=1)


class Child(Base):
    __tablename__ = "children"
    # (birthdate, id, removed_at): a birthdate's current children, verification's candidates, are read from
    # the index alone (PostgreSQL's index-only scan)
    __table_args__ = (Index("ix_children_birthdate_id_removed_at", "birthdate", "id", "removed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kana: Mapped[str] = mapped_column(String(100))
    birthdate: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="")
    # When staff removed the child from the registration (moved away, registered by mistake); None while it
    # is registered. A removed child keeps its row and its bookings (the household's history) and is no
    # candidate for verification, duplicates, booking or the waiting list (`registration.service.remove_child`).
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    household: Mapped[Household] = relationship(back_populates="children",
                                                primaryjoin="Household.id == Child.household_pk")


class ExpiryNotice(Base):
    """One row per notice sent before a registration ends: inserting it is the claim (once across instances)."""

    __tablename__ = "expiry_notices"
    __table_args__ = (UniqueConstraint("household_pk", "valid_until", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    valid_until: Mapped[dt.date] = mapped_column(Date)  # a renewal moves it, and the notices start again
    days_before: Mapped[int] = mapped_column(Integer)
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DemoMark(Base):
    """One row in a database made as a demo: only such a database ever takes the demo's made-up households."""

    __tablename__ = "demo_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HouseholdSearchTerm(Base):
    """One way staff find a household at the counter: a name or reading in search form, or the number on file.

    Kept by `_keep_search_terms` whenever a household or child is written, by any path (counter,
    importer, demo data), so the search is an indexed prefix query, never a scan of names.
    """

    __tablename__ = "household_search_terms"
    __table_args__ = (UniqueConstraint("household_pk", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(SEARCH_TERM, index=True)


def search_terms(*, guardian_name: str, guardian_kana: str, phone: str,
                 children: Iterable[tuple[str, str]]) -> set[str]:
    """The terms a household is found by: each person's name and reading in search form, whole and the given
    name alone (みさき finds 髙橋 美咲), and the phone (E.164)."""
    texts = [guardian_name, guardian_kana, *(text for name_and_kana in children for text in name_and_kana)]
    terms = {search_form(text)[:TERM_CHARS] for text in texts}
    terms |= {search_form(given)[:TERM_CHARS] for family, given in map(name_parts, texts) if family}
    terms.add(phone)
    terms.discard("")
    return terms


_HOUSEHOLD_FIELDS = ("guardian_name", "guardian_kana", "phone", "children")
_CHILD_FIELDS = ("name", "kana", "household_pk", "removed_at")


def _changed(obj: Household | Child, fields: tuple[str, ...]) -> bool:
    state: InstanceState[Household | Child] = inspect(obj)
    return state.pending or any(state.attrs[name].history.has_changes() for name in fields)


@event.listens_for(Session, "before_flush")
def _keep_search_terms(session: Session, flush_context: Any, instances: Any) -> None:
    """Every flush that adds or changes a household, a child or their names brings the search terms along."""
    touched: dict[int, Household] = {}
    gone = set(session.deleted)
    for obj in (*session.new, *session.dirty, *gone):
        household: Household | None = None
        if isinstance(obj, Household) and _changed(obj, _HOUSEHOLD_FIELDS):
            household = obj
        elif isinstance(obj, Child) and (obj in gone or _changed(obj, _CHILD_FIELDS)):
            household = obj.household or (session.get(Household, obj.household_pk) if obj.household_pk else None)
        if household is not None and household not in gone:
            touched[id(household)] = household
    for household in touched.values():
        wanted = search_terms(guardian_name=household.guardian_name or "", guardian_kana=household.guardian_kana or "",
                              phone=household.phone or "",
                              children=((c.name or "", c.kana or "") for c in household.children
                                        if c not in gone and c.removed_at is None))
        kept = [row for row in household.search_terms if row.term in wanted]
        if len(kept) == len(household.search_terms) == len(wanted):
            continue
        have = {row.term for row in kept}
        household.search_terms = [*kept, *(HouseholdSearchTerm(term=term) for term in sorted(wanted - have))]


class WebAccess(Base):
    """A household's web password (contract §8): argon2 only, made by azukari, changed at first sign-in.

    No row, or `enabled` false (staff turned it off, e.g. for a DV household on request), and the web
    sign-in answers as it does for an unknown ID.
    """

    __tablename__ = "web_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change: Mapped[bool] = mapped_column(Boolean, default=True)  # the letter's password: change it first
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
