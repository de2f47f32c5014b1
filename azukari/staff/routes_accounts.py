"""Staff accounts for admins: create, move, end dates, second-factor resets, deactivation, and the review list.

Every change is audited and takes effect on the account's next request: a move, a past end date,
a reset or a deactivation ends the account's open sessions.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from azukari.booking.models import Facility
from azukari.clock import TOKYO
from azukari.staff import accounts
from azukari.staff.console import ADMIN, Page, page
from azukari.staff.models import StaffAccount
from azukari.staff.signin import second_factor

router = APIRouter()
Text = Annotated[str, Form()]


def end_of(last_day: str) -> dt.datetime | None:
    """The form's last working day (Asia/Tokyo) as the moment the account ends: the next midnight."""
    day = dt.date.fromisoformat(last_day.strip())
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=TOKYO).astimezone(dt.UTC)


def last_day_of(ends_at: dt.datetime | None) -> str:
    return (ends_at.astimezone(TOKYO) - dt.timedelta(days=1)).date().isoformat() if ends_at else ""


def _facility(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _render(p: Page, template: str = "accounts.html", *, error: str = "", status_code: int = 200) -> HTMLResponse:
    listing = list(p.session.scalars(select(StaffAccount).order_by(StaffAccount.active.desc(), StaffAccount.username)))
    facilities = {f.id: f.name for f in p.session.scalars(select(Facility).order_by(Facility.key))}
    return p.render(template, status_code=status_code, accounts=listing, error=error, facilities=facilities,
                    last_day=last_day_of, usable=lambda a: accounts.usable(a, p.now))


@router.get("/accounts", response_class=HTMLResponse)
def list_accounts(request: Request) -> HTMLResponse:
    with page(request, roles=ADMIN) as p:
        response = _render(p)
    return response


@router.get("/accounts/review", response_class=HTMLResponse)
def review(request: Request) -> HTMLResponse:
    # For the periodic check the council asked for: who can still log in, where, and since when unused.
    with page(request, roles=ADMIN) as p:
        p.audit("staff.accounts_reviewed")
        response = _render(p, "accounts_review.html")
    return response


@router.post("/accounts", response_model=None)
def create(request: Request, username: Text = "", display_name: Text = "", password: Text = "", role: Text = "",
           facility_id: Text = "", last_day: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        try:
            account = accounts.create_account(p.session, username=username, display_name=display_name,
                                              password=password[:1000], role=role, facility_id=_facility(facility_id),
                                              now=p.now, set_by_admin=True,
                                              ends_at=end_of(last_day) if last_day.strip() else None)
        except ValueError as error:  # AccountError, or a malformed date
            message = str(error) if isinstance(error, accounts.AccountError) else "最終日を確認してください"
            response = _render(p, error=message, status_code=422)
            return response
        p.audit("staff.created", staff_id=account.id, role=account.role, facility_id=account.facility_id,
                ends_at=account.ends_at.isoformat() if account.ends_at else None)
    return RedirectResponse("/staff/accounts", status_code=303)


def _account(p: Page, staff_id: int) -> StaffAccount | None:
    account = p.session.get(StaffAccount, staff_id)
    return account if account is not None and account.active else None


@router.post("/accounts/{staff_id}/move", response_model=None)
def move(request: Request, staff_id: int, role: Text = "", facility_id: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        if (account := _account(p, staff_id)) is not None:
            try:
                changed = accounts.move(p.session, account=account, role=role, facility_id=_facility(facility_id))
            except accounts.AccountError as error:
                response = _render(p, error=str(error), status_code=422)
                return response
            if changed:
                p.audit("staff.moved", staff_id=account.id, change=changed)
    return RedirectResponse("/staff/accounts", status_code=303)


@router.post("/accounts/{staff_id}/end", response_model=None)
def set_end(request: Request, staff_id: int, last_day: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        if (account := _account(p, staff_id)) is not None:
            try:
                ends_at = end_of(last_day) if last_day.strip() else None
            except ValueError:
                response = _render(p, error="最終日を確認してください", status_code=422)
                return response
            accounts.set_end(p.session, account=account, ends_at=ends_at, now=p.now)
            p.audit("staff.end_date_set", staff_id=account.id, ends_at=ends_at.isoformat() if ends_at else None)
    return RedirectResponse("/staff/accounts", status_code=303)


@router.post("/accounts/{staff_id}/reset-second-factor")
def reset_second_factor(request: Request, staff_id: int, csrf: Text = "") -> RedirectResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        if (account := _account(p, staff_id)) is not None:
            second_factor.reset(p.session, account)
            p.audit("staff.second_factor_reset", staff_id=account.id)
    return RedirectResponse("/staff/accounts", status_code=303)


@router.post("/accounts/{staff_id}/deactivate")
def deactivate(request: Request, staff_id: int, csrf: Text = "") -> RedirectResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        if (account := _account(p, staff_id)) is not None:
            accounts.deactivate(p.session, account=account, now=p.now)
            p.audit("staff.deactivated", staff_id=account.id)
    return RedirectResponse("/staff/accounts", status_code=303)
