"""Daily runs of the erasure jobs: claimed once per day across instances, and reported to staff."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from azukari.db import Base, UTCDateTime, utcnow


class DailyRun(Base):
    """One row per job and Tokyo day: inserting it is the claim, so only one instance runs the job."""

    __tablename__ = "daily_runs"
    __table_args__ = (UniqueConstraint("job", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    day: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # counts only


class ErasureSecret(Base):
    """Random values erasure keeps across restarts: the salt of deletion records.

    The table keeps its first name, `console_secrets`, which deployed databases hold.
    """

    __tablename__ = "console_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    value: Mapped[str] = mapped_column(String(64))
