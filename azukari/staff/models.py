"""Staff accounts and their server-side sessions."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from azukari.db import Base, UTCDateTime, utcnow


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # facility | centre | admin
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Past this moment the account cannot log in and its sessions end (transfer, retirement).
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set when an admin chose the password: its owner must replace it before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The TOTP secret, sealed with AZUKARI_SECRET_KEY; a reader of the database cannot make codes.
    totp_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    totp_enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a code works once


class StaffSession(Base):
    """Server-side session: the cookie holds a random token; only its hash is stored."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # "ok" once both factors are in; before that the row only carries a login through its steps
    # (code | enrol | password) and opens no page.
    stage: Mapped[str] = mapped_column(String(10), default="ok", server_default="ok")
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class StaffLoginFailure(Base):
    """A failed login, kept briefly to throttle a client, and a client typing one name (both hashed)."""

    __tablename__ = "staff_login_failures"
    __table_args__ = (Index("ix_staff_login_failures_client_at", "client_hash", "at"),
                      Index("ix_staff_login_failures_name_at", "name_hash", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_hash: Mapped[str] = mapped_column(String(64))
    name_hash: Mapped[str] = mapped_column(String(64))


class StaffRecoveryCode(Base):
    """One of ten single-use codes that stand in for the authenticator app; only a hash is kept."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ErasureRequest(Base):
    """An admin's request to erase one household (a family's request under the privacy law), waiting for a
    second admin's approval; the household's erasure takes the row with it (the audit keeps both steps)."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_pk: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), unique=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ImportUpload(Base):
    """A households.csv an admin uploaded in the console and saw checked, kept until they confirm the import;
    then a background thread imports it and writes its progress here (the file's bytes are emptied when it
    ends, the outcome is kept for the page). A row not running is deleted at that admin's next upload, any
    row at the next upload after a day. `runner` names the process whose thread imports it and
    `heartbeat_at` is when that process last said so (PostgreSQL only: see staff/import_runs.py), so a
    page can tell an import still running from one whose server stopped."""

    __tablename__ = "import_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(8), default="checked", server_default="checked")  # IMPORT_STATES
    total_rows: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done_rows: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # done: {"counts": ImportSummary.audit_detail(), "lines": the summary's lines}; failed: {"problems", "refused"}
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    runner: Mapped[str | None] = mapped_column(String(32), nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


IMPORT_STATES = ("checked", "running", "done", "failed")
