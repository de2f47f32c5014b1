"""Suspected duplicates: two children in different households who look like one child (issue 27).

A pair is found when a child is imported or registered (`registration.duplicates`) and stays `open` until
staff decide: `merged` (one child kept) or `dismissed` ("not the same child"); or until staff remove one of
its children from its registration: `ended`. While open, the booking rules treat the pair as one child
(`pair_group`): one place at a time and one month's limit between them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from azukari.db import Base, UTCDateTime, utcnow

OPEN, MERGED, DISMISSED, ENDED = "open", "merged", "dismissed", "ended"
# What besides the birthdate and the name makes the pair likely: shown to staff, never the values.
STRENGTHS = ("name", "guardian", "address", "guardian_address")
_GROUPS = "azukari.households.pair_groups"


class SuspectedDuplicate(Base):
    __tablename__ = "suspected_duplicates"
    __table_args__ = (
        UniqueConstraint("child_a", "child_b"),
        CheckConstraint("child_a < child_b", name="ordered"),
        Index("ix_suspected_duplicates_child_b", "child_b"),
        Index("ix_suspected_duplicates_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_a: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    child_b: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    household_a: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    household_b: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    strength: Mapped[str] = mapped_column(String(20), default="name")
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    found_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a staff account's id


def forget_groups(session: Session) -> None:
    """Drop what `pair_group` remembered for this session (a pair was written or decided)."""
    session.info.pop(_GROUPS, None)


def pair_group(session: Session, child_id: int) -> tuple[int, ...]:
    """The child and every child linked to it by open pairs, lowest id first (the group's lock is its first).

    Remembered for the session: a booking asks three times (lock, overlap, month). Almost every child is in
    no pair, and then this is one indexed query answering nothing.
    """
    groups: dict[int, tuple[int, ...]] = session.info.setdefault(_GROUPS, {})
    known = groups.get(child_id)
    if known is not None:
        return known
    seen = {child_id}
    frontier = {child_id}
    while frontier:
        rows = session.execute(select(SuspectedDuplicate.child_a, SuspectedDuplicate.child_b).where(
            SuspectedDuplicate.status == OPEN,
            or_(SuspectedDuplicate.child_a.in_(frontier), SuspectedDuplicate.child_b.in_(frontier)))).all()
        found = {c for row in rows for c in row} - seen
        seen |= found
        frontier = found
    return remember_group(session, tuple(sorted(seen)))


def remember_group(session: Session, group: tuple[int, ...]) -> tuple[int, ...]:
    """What `pair_group` answers for each member of `group` for the rest of the session (a booking that
    found a member merged away since it first asked keeps the members that are left)."""
    groups: dict[int, tuple[int, ...]] = session.info.setdefault(_GROUPS, {})
    for member in group:
        groups[member] = group
    return group


def ordered(one: int, other: int) -> tuple[int, int]:
    return (one, other) if one < other else (other, one)
