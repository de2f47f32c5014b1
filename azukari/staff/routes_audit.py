"""The audit trail page for admins: filters, chain check and CSV export."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from azukari.clock import in_tokyo
from azukari.oversight import audit
from azukari.staff import audit_view
from azukari.staff.audit_view import AuditFilter
from azukari.staff.console import ADMIN, page

router = APIRouter()
Text = Annotated[str, Form()]


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _render(request: Request, wanted: AuditFilter, csrf: str | None, post: bool, anchor: str = "") -> HTMLResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=post) as p:
        rows = audit_view.entries(p.session, wanted)
        try:
            problems = audit.verify_chain(p.session, p.runtime.settings.azukari_secret_key, anchor.strip() or None)
        except ValueError:
            problems = ["控えの形式が違います（件数:ハッシュ）"]
        response = p.render("audit.html", rows=rows, wanted=wanted, problems=problems, anchor=anchor.strip(),
                            head=audit.head(p.session), actors=audit_view.actor_names(p.session))
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request) -> HTMLResponse:
    return _render(request, AuditFilter(), None, False)


@router.post("/audit", response_class=HTMLResponse)
def audit_filtered(request: Request, household_id: Text = "", username: Text = "", since: Text = "",
                   until: Text = "", csrf: Text = "") -> HTMLResponse:
    # Filters travel in the body: a household ID in a query string would sit in logs and history.
    return _render(request, AuditFilter(household_id, username, _date(since), _date(until)), csrf, True)


@router.post("/audit/verify", response_class=HTMLResponse)
def audit_verified(request: Request, anchor: Text = "", csrf: Text = "") -> HTMLResponse:
    # A head copied out earlier (page, export, certificate): entries deleted since then show here.
    return _render(request, AuditFilter(), csrf, True, anchor=anchor[:100])


@router.post("/audit/export")
def export(request: Request, household_id: Text = "", username: Text = "", since: Text = "", until: Text = "",
           csrf: Text = "") -> Response:
    wanted = AuditFilter(household_id, username, _date(since), _date(until))
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        p.audit("audit.exported", household_id_filter=bool(wanted.household_id), staff_filter=bool(wanted.username))
        body = "".join(audit_view.csv_rows(p.session, wanted))
        head = audit.head(p.session)
        body += f"chain_head,{p.now.astimezone(dt.UTC).isoformat()},,,,,{head.count},{head.hash}\r\n"
    stamp = in_tokyo(p.now).strftime("%Y%m%d-%H%M")
    return Response("\ufeff" + body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
                             "X-Audit-Head": str(head)})
