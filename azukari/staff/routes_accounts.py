"""Staff accounts for admins: list, create, deactivate (effective on the account's next request)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from azukari.booking.models import Facility
from azukari.staff import accounts
from azukari.staff.console import ADMIN, Page, page
from azukari.staff.models import StaffAccount

router = APIRouter()
Text = Annotated[str, Form()]


def _render(p: Page, *, error: str = "", status_code: int = 200) -> HTMLResponse:
    listing = list(p.session.scalars(select(StaffAccount).order_by(StaffAccount.active.desc(), StaffAccount.username)))
    facilities = list(p.session.scalars(select(Facility).order_by(Facility.key)))
    return p.render("accounts.html", status_code=status_code, accounts=listing, error=error,
                    facilities={f.id: f.name for f in facilities})


@router.get("/accounts", response_class=HTMLResponse)
def list_accounts(request: Request) -> HTMLResponse:
    with page(request, roles=ADMIN) as p:
        response = _render(p)
    return response


@router.post("/accounts", response_model=None)
def create(request: Request, username: Text = "", display_name: Text = "", password: Text = "", role: Text = "",
           facility_id: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        try:
            account = accounts.create_account(p.session, username=username, display_name=display_name,
                                              password=password, role=role,
                                              facility_id=int(facility_id) if facility_id.isdigit() else None,
                                              now=p.now)
        except accounts.AccountError as error:
            response = _render(p, error=str(error), status_code=422)
            return response
        p.audit("staff.created", staff_id=account.id, role=account.role)
    return RedirectResponse("/staff/accounts", status_code=303)


@router.post("/accounts/{staff_id}/deactivate")
def deactivate(request: Request, staff_id: int, csrf: Text = "") -> RedirectResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        account = p.session.get(StaffAccount, staff_id)
        if account is not None and account.active:
            accounts.deactivate(p.session, account=account, now=p.now)
            p.audit("staff.deactivated", staff_id=account.id)
    return RedirectResponse("/staff/accounts", status_code=303)
