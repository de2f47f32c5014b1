"""Retention for admins: what is due, the purge itself, and printable deletion certificates."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from azukari.erasure import daily, retention
from azukari.messaging.models import ProviderDeletion
from azukari.oversight import audit
from azukari.oversight.models import DeletionRecord
from azukari.staff.console import ADMIN, Page, page

router = APIRouter()
COUNT_LABELS = {"children": "子", "reservations": "予約", "verification_attempts": "本人確認の記録",
                "outbox_messages": "SMS", "escalations": "職員対応案件", "sms_conversations": "SMS会話",
                "provider_messages": "Twilio上のSMSの写し", "households": "世帯",
                "calling_numbers_pseudonymised": "発信番号の仮名化",
                "unlinked_records_deleted": "世帯に結びつかない古い記録の消去"}
PROVIDER_STATUS = {"pending": "削除待ち（再試行中）", "deleted": "削除済み", "failed": "削除失敗（職員対応案件あり）"}


def _provider_states(session: Session, record_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per deletion record, how many of its copies at Twilio are deleted, pending or failed."""
    states: dict[int, dict[str, int]] = {}
    if record_ids:
        rows = session.execute(select(ProviderDeletion.deletion_record_id, ProviderDeletion.status, func.count())
                               .where(ProviderDeletion.deletion_record_id.in_(record_ids))
                               .group_by(ProviderDeletion.deletion_record_id, ProviderDeletion.status))
        for record_id, status, count in rows:
            if record_id is not None:
                states.setdefault(record_id, {})[status] = count
    return states


def _retention_page(p: Page, report: retention.PurgeReport | None) -> HTMLResponse:
    preview = retention.purge(p.session, now=p.now, dry_run=True)
    records = list(p.session.scalars(select(DeletionRecord).order_by(DeletionRecord.id.desc()).limit(200)))
    return p.render("retention.html", preview=preview, records=records, labels=COUNT_LABELS, report=report,
                    runs=daily.recent_runs(p.session), provider=_provider_states(p.session, [r.id for r in records]),
                    provider_labels=PROVIDER_STATUS)


@router.get("/retention", response_class=HTMLResponse)
def retention_page(request: Request) -> HTMLResponse:
    with page(request, roles=ADMIN) as p:
        response = _retention_page(p, None)
    return response


@router.post("/retention/purge", response_class=HTMLResponse)
def purge(request: Request, csrf: Annotated[str, Form()] = "") -> HTMLResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        report = retention.purge(p.session, now=p.now, dry_run=False, actor=p.actor)
        response = _retention_page(p, report)
    return response


@router.get("/retention/certificates/{record_id}", response_class=HTMLResponse)
def certificate(request: Request, record_id: int) -> HTMLResponse:
    with page(request, roles=ADMIN) as p:
        record = p.session.get(DeletionRecord, record_id)
        if record is None:
            response = p.render("message.html", status_code=404, title="見つかりません",
                                message="その削除記録はありません。")
        else:
            p.audit("retention.certificate_viewed", deletion_record_id=record.id)
            # The chain's head as printed on paper: an anchor outside the database.
            response = p.render("certificate.html", record=record, labels=COUNT_LABELS, head=audit.head(p.session),
                                provider=_provider_states(p.session, [record.id]).get(record.id, {}),
                                provider_labels=PROVIDER_STATUS)
    return response
