"""Cases for staff, from open to resolved, in one place.

Every producer (identity, voice, SMS, outbox) opens a case through `open_escalation`; staff then claim
it, link it to a household, add notes and resolve it through the functions below. All are keyword-only,
take a Session, flush and never commit: the caller's unit of work does, with its audit entry.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.clock import in_tokyo
from azukari.oversight.models import Escalation

# What each kind means to staff; the console shows these labels.
KINDS = {
    "dv_caller": "DV登録世帯からの連絡",
    "dv_attempt": "DV登録世帯を名乗る本人確認の失敗",
    "household_locked": "本人確認の失敗が続き自動受付を停止",
    "verification_failed": "本人確認ができず職員へ",
    "verification_throttled": "本人確認の回数制限中の電話・SMS",
    "callback": "折り返し電話の依頼",
    "transfer_unanswered": "職員への転送に応答なし",
    "staff_requested": "職員との通話を希望",
    "caller_in_trouble": "無回答や受け付けられない入力が2回続いた電話",
    "message_undelivered": "SMSが届かなかった",
    "message_held": "DV登録世帯あてのSMSを送信せず保留（職員から連絡）",
    "erasure_failed": "Twilio上のメッセージの削除に失敗",
    "offer_code_guessed": "キャンセル待ちの空き枠のコード入力の誤りが続いたため自動受付を停止（職員から連絡）",
    "twilio_error": "Twilioが通話・SMSのエラーを報告",
}
# How a case may be closed: a fixed list, so the trail says why without free text.
RESOLUTIONS = {"done": "対応済み", "unreachable": "連絡先が分からず対応できない"}


class EscalationNotFound(LookupError):
    pass


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


def _get(session: Session, escalation_id: int) -> Escalation:
    escalation = session.get(Escalation, escalation_id)
    if escalation is None:
        raise EscalationNotFound(escalation_id)
    return escalation


def claim(session: Session, *, escalation_id: int, staff_id: int) -> Escalation:
    """A member of staff takes the case; a resolved one stays as it is."""
    escalation = _get(session, escalation_id)
    if escalation.status != "resolved":
        escalation.status = "claimed"
        escalation.claimed_by = staff_id
    session.flush()
    return escalation


def link_household(session: Session, *, escalation_id: int, household_pk: int, household_dv: bool) -> Escalation:
    """Staff learned whose case it is (the parent called the facility, say): the card then offers the number on file.

    A DV household's case takes its flag (`household_dv`), so it ranks first and is shown with the warning.
    """
    escalation = _get(session, escalation_id)
    escalation.household_pk = household_pk
    escalation.dv = escalation.dv or household_dv
    session.flush()
    return escalation


def add_note(session: Session, *, escalation_id: int, author: str, text: str, now: dt.datetime) -> Escalation:
    escalation = _get(session, escalation_id)
    stamp = in_tokyo(now).strftime("%m/%d %H:%M")
    line = f"[{stamp} {author}] {text.strip()[:1000]}"
    escalation.note = f"{escalation.note}\n{line}" if escalation.note else line
    session.flush()
    return escalation


def resolve(session: Session, *, escalation_id: int, staff_id: int, now: dt.datetime, resolution: str = "done",
            author: str = "") -> Escalation:
    """Closed, by whoever claimed it (or this member of staff); any way but "done" is said on the case too."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"unknown resolution {resolution!r}")
    if resolution != "done":  # said on the case itself as well as in the trail
        add_note(session, escalation_id=escalation_id, author=author, text=f"完了（{RESOLUTIONS[resolution]}）",
                 now=now)
    escalation = _get(session, escalation_id)
    escalation.status = "resolved"
    escalation.claimed_by = escalation.claimed_by or staff_id
    escalation.resolved_at = now
    session.flush()
    return escalation
