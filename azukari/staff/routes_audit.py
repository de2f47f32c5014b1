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
from azukari.staff.audit_words import EVENT_NAMES, problem_words
from azukari.staff.console import ADMIN, page

router = APIRouter()
Text = Annotated[str, Form()]


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _filter(household_id: str, username: str, since: str, until: str, action: str) -> AuditFilter:
    return AuditFilter(household_id[:20], username[:60], _date(since), _date(until),
                       action if action in EVENT_NAMES else "")


def _render(request: Request, wanted: AuditFilter, csrf: str | None, post: bool, anchor: str = "") -> HTMLResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=post) as p:
        rows = audit_view.entries(p.session, wanted)
        try:
            problems = [problem_words(found) for found in
                        audit.verify_chain(p.session, p.runtime.settings.azukari_secret_key, anchor.strip() or None)]
        except ValueError:
            problems = ["控えの形式が違います（件数:ハッシュ）"]
        response = p.render("audit.html", rows=rows, wanted=wanted, problems=problems, anchor=anchor.strip(),
                            head=audit.head(p.session), staff=audit_view.staff_choices(p.session),
                            events=sorted(EVENT_NAMES.items(), key=lambda item: item[0]))
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request) -> HTMLResponse:
    return _render(request, AuditFilter(), None, False)


@router.post("/audit", response_class=HTMLResponse)
def audit_filtered(request: Request, household_id: Text = "", username: Text = "", since: Text = "",
                   until: Text = "", action: Text = "", csrf: Text = "") -> HTMLResponse:
    # Filters travel in the body: a household ID in a query string would sit in logs and history.
    return _render(request, _filter(household_id, username, since, until, action), csrf, True)


@router.post("/audit/verify", response_class=HTMLResponse)
def audit_verified(request: Request, anchor: Text = "", csrf: Text = "") -> HTMLResponse:
    # A head copied out earlier (page, export, certificate): entries deleted since then show here.
    return _render(request, AuditFilter(), csrf, True, anchor=anchor[:100])


@router.post("/audit/export")
def export(request: Request, household_id: Text = "", username: Text = "", since: Text = "", until: Text = "",
           action: Text = "", csrf: Text = "") -> Response:
    wanted = _filter(household_id, username, since, until, action)
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        # Audited before it is read, so the export holds its own entry and the chain head covers it.
        p.audit("audit.exported", household_id_filter=bool(wanted.household_id), staff_filter=bool(wanted.username),
                event_filter=wanted.action, since=wanted.since.isoformat() if wanted.since else None,
                until=wanted.until.isoformat() if wanted.until else None)
        body = "".join(audit_view.csv_rows(p.session, wanted))
        head = audit.head(p.session)
        body += audit_view.head_line(head, p.now)
    stamp = in_tokyo(p.now).strftime("%Y%m%d-%H%M")
    # UTF-8 with a BOM: Excel (Japanese Windows included) then opens it as UTF-8, not as Shift_JIS.
    return Response("\ufeff" + body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
                             "X-Audit-Head": str(head)})
