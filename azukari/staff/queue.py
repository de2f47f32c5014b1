"""The escalation queue as staff work it: ordering, claim, note and resolve (never commits)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from azukari.clock import in_tokyo
from azukari.oversight.escalations import KINDS
from azukari.oversight.models import Escalation
from azukari.registration.models import Household
from azukari.staff.models import StaffAccount

FIELD_LABELS = {"household_id": "世帯ID", "pin": "暗証番号", "child_name": "子の氏名", "birthdate": "生年月日",
                "address": "住所", "guardian_name": "保護者氏名"}
OUTCOME_LABELS = {"match": "一致", "near": "ほぼ一致", "fail": "不一致", "missing": "未入力"}
CHANNEL_LABELS = {"voice": "電話", "sms": "SMS", "outbox": "SMS送信", "staff": "職員"}
STATUS_LABELS = {"open": "未対応", "claimed": "対応中", "resolved": "完了"}


class EscalationNotFound(LookupError):
    pass


@dataclass(frozen=True)
class QueueItem:
    escalation: Escalation
    label: str
    household: Household | None
    fields: list[tuple[str, str, str]]  # (label, outcome code, outcome label): which matched, never values
    facts: list[tuple[str, str]]        # other safe details: counts, ids, reasons


def _fields(details: dict[str, object]) -> list[tuple[str, str, str]]:
    raw = details.get("fields")
    if not isinstance(raw, dict):
        return []
    return [(FIELD_LABELS.get(str(k), str(k)), str(v), OUTCOME_LABELS.get(str(v), str(v))) for k, v in raw.items()]


def _facts(details: dict[str, object]) -> list[tuple[str, str]]:
    # Only numbers, flags and short codes: details never carry what a caller said, and we show no more.
    return [(str(k), str(v)) for k, v in details.items()
            if k != "fields" and (isinstance(v, int | bool) or (isinstance(v, str) and v.isascii() and len(v) <= 40))]


def _item(session: Session, escalation: Escalation) -> QueueItem:
    household = session.get(Household, escalation.household_pk) if escalation.household_pk else None
    return QueueItem(escalation, KINDS.get(escalation.kind, escalation.kind), household,
                     _fields(escalation.details or {}), _facts(escalation.details or {}))


def open_items(session: Session) -> list[QueueItem]:
    """Open and claimed cases: DV first, then security alerts, then oldest first."""
    rows = session.scalars(select(Escalation).where(Escalation.status != "resolved").order_by(
        case((Escalation.dv, 0), else_=1), case((Escalation.security_alert, 0), else_=1),
        Escalation.created_at, Escalation.id).limit(500))
    return [_item(session, e) for e in rows]


def recently_resolved(session: Session, *, limit: int = 20) -> list[QueueItem]:
    rows = session.scalars(select(Escalation).where(Escalation.status == "resolved")
                           .order_by(Escalation.resolved_at.desc(), Escalation.id.desc()).limit(limit))
    return [_item(session, e) for e in rows]


def _get(session: Session, escalation_id: int) -> Escalation:
    escalation = session.get(Escalation, escalation_id)
    if escalation is None:
        raise EscalationNotFound(escalation_id)
    return escalation


def claim(session: Session, *, escalation_id: int, staff_id: int) -> Escalation:
    escalation = _get(session, escalation_id)
    if escalation.status != "resolved":
        escalation.status = "claimed"
        escalation.claimed_by = staff_id
    session.flush()
    return escalation


def add_note(session: Session, *, escalation_id: int, author: str, text: str, now: dt.datetime) -> Escalation:
    escalation = _get(session, escalation_id)
    stamp = in_tokyo(now).strftime("%m/%d %H:%M")
    line = f"[{stamp} {author}] {text.strip()[:1000]}"
    escalation.note = f"{escalation.note}\n{line}" if escalation.note else line
    session.flush()
    return escalation


def resolve(session: Session, *, escalation_id: int, staff_id: int, now: dt.datetime) -> Escalation:
    escalation = _get(session, escalation_id)
    escalation.status = "resolved"
    escalation.claimed_by = escalation.claimed_by or staff_id
    escalation.resolved_at = now
    session.flush()
    return escalation


def staff_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(StaffAccount.id, StaffAccount.display_name)).all())
