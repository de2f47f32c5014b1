"""Open cases for staff. Every producer (identity, voice, SMS, outbox) comes through here."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.oversight.models import Escalation

# What each kind means to staff; the console shows these labels.
KINDS = {
    "dv_caller": "DV登録世帯からの連絡",
    "dv_attempt": "DV登録世帯を名乗る本人確認の失敗",
    "household_locked": "本人確認の失敗が続き自動受付を停止",
    "verification_failed": "本人確認に2回失敗",
    "callback": "折り返し電話の依頼",
    "transfer_unanswered": "職員への転送に応答なし",
    "staff_requested": "職員との通話を希望",
    "caller_in_trouble": "無回答や受け付けられない入力が2回続いた電話",
    "message_undelivered": "SMSが届かなかった",
    "erasure_failed": "Twilio上のメッセージの削除に失敗",
}


def open_escalation(session: Session, *, kind: str, channel: str, now: dt.datetime,
                    household_pk: int | None = None, dv: bool = False, security_alert: bool = False,
                    calling_number: str = "", details: dict[str, object] | None = None,
                    dedupe_key: str | None = None) -> Escalation:
    """Add an open escalation; with `dedupe_key`, a second call returns the existing one.

    `details` must never carry what a caller said: only which fields matched, ids, counts.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown escalation kind {kind!r}")
    if dedupe_key is not None:
        existing = session.scalar(select(Escalation).where(Escalation.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    escalation = Escalation(kind=kind, channel=channel, created_at=now, household_pk=household_pk, dv=dv,
                            security_alert=security_alert or kind in ("dv_attempt", "household_locked"),
                            calling_number=calling_number, details=details or {}, dedupe_key=dedupe_key)
    session.add(escalation)
    session.flush()
    return escalation
