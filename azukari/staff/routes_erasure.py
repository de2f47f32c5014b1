"""One family erased on request from the console (issue 27, item 4): an admin asks, a second admin approves,
and only then the very erasure `azukari erase-household` runs (erasure/commands.py), with its certificate.

Both steps are audited: the request as `household.erasure_requested`, the approval as
`household.erasure_approved`, and the erasure itself as `household.erased` (naming both admins).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select, update

from azukari.erasure import commands, on_request
from azukari.households.models import Household
from azukari.runtime import runtime_of
from azukari.staff.console import ADMIN, page
from azukari.staff.models import ErasureRequest, StaffAccount

router = APIRouter()
Text = Annotated[str, Form()]

ERRORS = {"unconfirmed": "消去を申請するには、確認のチェックを入れてください。",
          "own": "自分の申請は承認できません。別の管理者が承認してください。",
          "gone": "その申請はありません（取り下げ済み、または消去済みです）。",
          "unsent": "予約の取消を知らせるSMSがまだ送信されていません。何も消去していません。"
                    "しばらくしてから、もう一度「承認して消去」を押してください。"}
DONE = {"requested": "消去を申請しました。別の管理者の承認を待っています。", "withdrawn": "申請を取り下げました。"}


@dataclass(frozen=True)
class Pending:
    id: int
    household_pk: int
    household_id: str
    dv_flag: bool
    requested_by: int
    requester: str
    requested_at: dt.datetime
    approved: bool


def _label(account: StaffAccount) -> str:
    return f"{account.display_name}（{account.username}）"


@router.post("/households/{household_pk}/erasure-request", response_model=None)
def ask(request: Request, household_pk: int, confirm: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        if p.session.get(Household, household_pk) is None:
            return RedirectResponse("/staff/erasure-requests?error=gone", status_code=303)
        if confirm != "1":
            return RedirectResponse("/staff/erasure-requests?error=unconfirmed", status_code=303)
        if p.session.scalar(select(ErasureRequest.id).where(ErasureRequest.household_pk == household_pk)) is None:
            p.session.add(ErasureRequest(household_pk=household_pk, requested_by=p.account.id, requested_at=p.now))
            p.audit("household.erasure_requested", household_pk=household_pk)
    return RedirectResponse("/staff/erasure-requests?done=requested", status_code=303)


@router.get("/erasure-requests", response_class=HTMLResponse)
def requests_page(request: Request) -> HTMLResponse:
    with page(request, roles=ADMIN) as p:
        rows = [Pending(r.id, home.id, home.household_id, home.dv_flag, r.requested_by, _label(who), r.requested_at,
                        r.approved_by is not None)
                for r, home, who in p.session.execute(
                    select(ErasureRequest, Household, StaffAccount)
                    .join(Household, Household.id == ErasureRequest.household_pk)
                    .join(StaffAccount, StaffAccount.id == ErasureRequest.requested_by)
                    .order_by(ErasureRequest.id))]
        query = request.query_params
        response = p.render("erasure_requests.html", rows=rows, error=ERRORS.get(query.get("error", ""), ""),
                            done=DONE.get(query.get("done", ""), ""))
    return response


@router.post("/erasure-requests/{request_id}/withdraw", response_model=None)
def withdraw(request: Request, request_id: int, csrf: Text = "") -> Response:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        found = p.session.get(ErasureRequest, request_id)
        if found is None or found.approved_by is not None:
            return RedirectResponse("/staff/erasure-requests?error=gone", status_code=303)
        p.session.delete(found)
        p.audit("household.erasure_withdrawn", household_pk=found.household_pk)
    return RedirectResponse("/staff/erasure-requests?done=withdrawn", status_code=303)


@router.post("/erasure-requests/{request_id}/approve", response_model=None)
def approve(request: Request, request_id: int, csrf: Text = "") -> Response:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        found = p.session.get(ErasureRequest, request_id)
        if found is None:
            return RedirectResponse("/staff/erasure-requests?error=gone", status_code=303)
        if found.requested_by == p.account.id:
            refused = p.render("message.html", status_code=403, title="承認できません", message=ERRORS["own"])
            return refused
        household_id = p.session.get(Household, found.household_pk).household_id  # type: ignore[union-attr]
        requester = p.session.get(StaffAccount, found.requested_by)
        requested_by = _label(requester) if requester is not None else f"#{found.requested_by}"
        approved_by = _label(p.account)
        # The approval is claimed once (two admins pressing at once: one approval); pressing again after
        # unsent texts stopped the erasure only carries it on.
        claimed = p.session.execute(
            update(ErasureRequest).where(ErasureRequest.id == request_id, ErasureRequest.approved_by.is_(None))
            .values(approved_by=p.account.id, approved_at=p.now)).rowcount  # type: ignore[attr-defined]
        if claimed:
            p.audit("household.erasure_approved", household_pk=found.household_pk, requested_by=requested_by)
        actor = p.actor
    # The approval is committed; the erasure runs in its own units of work, as the command's does.
    try:
        done = commands.erase_household_on_request(runtime_of(request), household_id=household_id, actor=actor,
                                                   approved_by=approved_by, requested_by=requested_by)
    except on_request.NoSuchHousehold:
        return RedirectResponse("/staff/erasure-requests?error=gone", status_code=303)
    except commands.TextsNotSent:
        return RedirectResponse("/staff/erasure-requests?error=unsent", status_code=303)
    return RedirectResponse(f"/staff/retention/certificates/{done.erased.record_id}", status_code=303)
