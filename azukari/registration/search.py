"""Finding a household at the counter."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.registration.models import Household


def find(session: Session, *, query: str) -> list[Household]:
    """By household ID (digits) or by the guardian's reading (kana prefix); at most 20."""
    text = " ".join(query.split())
    if not text or "\x00" in text:  # nothing stored holds a NUL, and PostgreSQL refuses one in a query
        return []
    if text.isdigit():
        return list(session.scalars(select(Household).where(Household.household_id == text)))
    return list(session.scalars(select(Household).where(Household.guardian_kana.startswith(text))
                                .order_by(Household.guardian_kana).limit(20)))
