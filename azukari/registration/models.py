"""Households and children as registered on paper (contract §3)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from azukari.db import Base, UTCDateTime, utcnow


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
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    children: Mapped[list[Child]] = relationship(back_populates="household", cascade="all, delete-orphan",
                                                 order_by="Child.id")

    def valid_until(self) -> dt.date:
        """Registration is valid for one year from registered_on (the day before the anniversary)."""
        try:
            anniversary = self.registered_on.replace(year=self.registered_on.year + 1)
        except ValueError:  # 29 February
            anniversary = self.registered_on.replace(year=self.registered_on.year + 1, day=28)
        return anniversary - dt.timedelta(days=1)


class Child(Base):
    __tablename__ = "children"
    __table_args__ = (Index("ix_children_birthdate", "birthdate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kana: Mapped[str] = mapped_column(String(100))
    birthdate: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="")

    household: Mapped[Household] = relationship(back_populates="children")


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
