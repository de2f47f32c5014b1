"""A staff member changes their own password: the current one is required, the new one meets the policy."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from azukari.staff import accounts
from azukari.staff.console import ANY, page

router = APIRouter()
Text = Annotated[str, Form()]


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request) -> HTMLResponse:
    with page(request, roles=ANY) as p:
        response = p.render("password.html", error="", forced=False, action="/staff/password", done=False)
    return response


@router.post("/password", response_model=None)
def change(request: Request, current: Text = "", new_password: Text = "", confirm: Text = "",
           csrf: Text = "") -> Response:
    with page(request, roles=ANY, csrf=csrf, post=True) as p:
        record = p.record
        try:
            if new_password != confirm:
                raise accounts.AccountError("確認のため同じパスワードを2回入力してください")
            accounts.change_password(p.session, account=p.account, current=current[:1000], new=new_password[:1000],
                                     keep_session=record)
        except accounts.AccountError as error:
            response = p.render("password.html", status_code=422, error=str(error), forced=False,
                                action="/staff/password", done=False)
            return response
        p.audit("staff.password_changed", forced=False)
        response = p.render("password.html", error="", forced=False, action="/staff/password", done=True)
    return response
