"""Retention for admins: what is due, the purge itself, and printable deletion certificates."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from azukari.oversight import audit
from azukari.oversight.models import DeletionRecord
from azukari.staff import retention
from azukari.staff.console import ADMIN, page

router = APIRouter()
COUNT_LABELS = {"children": "子", "reservations": "予約", "verification_attempts": "本人確認の記録",
                "outbox_messages": "SMS", "escalations": "職員対応案件", "sms_conversations": "SMS会話"}


@router.get("/retention", response_class=HTMLResponse)
def retention_page(request: Request) -> HTMLResponse:
    with page(request, roles=ADMIN) as p:
        preview = retention.purge(p.session, now=p.now, dry_run=True)
        records = list(p.session.scalars(select(DeletionRecord).order_by(DeletionRecord.id.desc()).limit(200)))
        response = p.render("retention.html", preview=preview, records=records, labels=COUNT_LABELS, report=None)
        p.session.commit()
    return response


@router.post("/retention/purge", response_class=HTMLResponse)
def purge(request: Request, csrf: Annotated[str, Form()] = "") -> HTMLResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        report = retention.purge(p.session, now=p.now, dry_run=False, actor=p.actor)
        preview = retention.purge(p.session, now=p.now, dry_run=True)
        records = list(p.session.scalars(select(DeletionRecord).order_by(DeletionRecord.id.desc()).limit(200)))
        response = p.render("retention.html", preview=preview, records=records, labels=COUNT_LABELS, report=report)
        p.session.commit()
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
            # The chain's head as printed on paper: an anchor outside the database (issue 9 item 9).
            response = p.render("certificate.html", record=record, labels=COUNT_LABELS, head=audit.head(p.session))
        p.session.commit()
    return response
