"""Login, logout and the home page that sends each role where its work is."""
from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azukari.runtime import runtime_of
from azukari.staff import accounts, sessions
from azukari.staff.console import ANY, page, templates

router = APIRouter()
_LOGIN_CSRF = "azukari_login_csrf"
_HOME = {"facility": "/staff/roster", "centre": "/staff/escalations", "admin": "/staff/escalations"}


def _secure(request: Request) -> bool:
    return runtime_of(request).settings.public_base_url.startswith("https://")


def _login_page(request: Request, *, error: str = "", status_code: int = 200) -> HTMLResponse:
    # Login CSRF: no session exists yet, so the form echoes a random value also set as a cookie.
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(request, "login.html", {
        "me": None, "dv_households": [], "login_csrf": token, "error": error}, status_code=status_code)
    response.set_cookie(_LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request),
                        path="/staff/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.post("/login", response_model=None)
def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          login_csrf: Annotated[str, Form()] = "") -> Response:
    cookie = request.cookies.get(_LOGIN_CSRF, "")
    if not cookie or not secrets.compare_digest(cookie, login_csrf):
        return _login_page(request, error="画面の有効期限が切れました。もう一度ログインしてください。", status_code=400)
    runtime = runtime_of(request)
    now = runtime.clock.now()
    client = request.client.host if request.client else "unknown"
    with runtime.database.unit_of_work() as session:
        outcome = accounts.authenticate(session, username=username, password=password, client=client, now=now)
        if not isinstance(outcome, accounts.LoginOk):
            accounts.forget_old_failures(session, now=now)
            session.commit()
            message = ("ログインに続けて失敗したため、しばらくログインできません。時間をおいてお試しください。"
                       if outcome is accounts.LoginRefusal.THROTTLED
                       else "ユーザー名またはパスワードが違います。")
            return _login_page(request, error=message, status_code=401)
        token = sessions.start(session, account=outcome.account, now=now)
        role = outcome.account.role
        session.commit()
    response = RedirectResponse(_HOME[role], status_code=303)
    response.set_cookie(sessions.COOKIE_NAME, token, httponly=True, samesite="strict", secure=_secure(request),
                        path="/staff")
    response.delete_cookie(_LOGIN_CSRF, path="/staff/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    with page(request, roles=ANY, csrf=csrf, post=True) as p:
        sessions.end(p.session, token=request.cookies.get(sessions.COOKIE_NAME))
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/staff")
    return response


@router.get("/", response_model=None)
def home(request: Request) -> RedirectResponse:
    with page(request, roles=ANY) as p:
        role = p.account.role
    return RedirectResponse(_HOME[role], status_code=303)
