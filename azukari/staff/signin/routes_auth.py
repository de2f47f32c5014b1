"""Login (the password step), logout, and the home page that sends each role where its work is.

Every login, failed login and logout is in the audit trail; the steps after the password (second
factor, enrolment, forced password change) are in routes_login.
"""
from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azukari.oversight import audit
from azukari.runtime import runtime_of
from azukari.staff.console import ANY, page, templates
from azukari.staff.signin import password_step, second_factor, sessions
from azukari.staff.signin.client_address import of_request

router = APIRouter()
_LOGIN_CSRF = "azukari_login_csrf"
HOME = {"facility": "/staff/roster", "centre": "/staff/escalations", "admin": "/staff/escalations"}
WRONG = "ユーザー名またはパスワードが違います。"
THROTTLED = "ログインに続けて失敗したため、しばらくログインできません。時間をおいてお試しください。"


def secure(request: Request) -> bool:
    return runtime_of(request).settings.public_base_url.startswith("https://")


def client_of(request: Request) -> str:
    address = of_request(request, runtime_of(request).settings)
    return str(address) if address is not None else "unknown"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(sessions.COOKIE_NAME, token, httponly=True, samesite="strict", secure=secure(request),
                        path="/staff")


def login_page(request: Request, *, error: str = "", status_code: int = 200) -> HTMLResponse:
    # Login CSRF: no session exists yet, so the form echoes a random value also set as a cookie.
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(request, "login.html", {
        "me": None, "dv_households": [], "login_csrf": token, "error": error}, status_code=status_code)
    response.set_cookie(_LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure(request),
                        path="/staff/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return login_page(request)


@router.post("/login", response_model=None)
def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          login_csrf: Annotated[str, Form()] = "") -> Response:
    cookie = request.cookies.get(_LOGIN_CSRF, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), login_csrf.encode()):
        return login_page(request, error="画面の有効期限が切れました。もう一度ログインしてください。", status_code=400)
    runtime = runtime_of(request)
    now = runtime.clock.now()
    with runtime.database.unit_of_work() as session:
        outcome = password_step.check_password(session, username=username[:200], password=password[:1000],
                                                client=client_of(request), now=now)
        if isinstance(outcome, password_step.LoginFailed):
            password_step.forget_old_failures(session, now=now)
            known = outcome.account
            # The name typed is never recorded: people type their password into it by mistake.
            audit.record(session, actor=f"staff:{known.id}" if known else "unknown", action="staff.login_failed",
                         now=now, detail={"step": "password", "reason": outcome.refusal.value})
            session.commit()
            throttled = outcome.refusal is password_step.LoginRefusal.THROTTLED
            return login_page(request, error=THROTTLED if throttled else WRONG, status_code=401)
        account = outcome.account
        stage = "code" if second_factor.enrolled(account) else "enrol"
        token = sessions.start(session, account=account, now=now, stage=stage)
        session.commit()
    response = RedirectResponse(f"/staff/login/{stage}", status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(_LOGIN_CSRF, path="/staff/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    with page(request, roles=ANY, csrf=csrf, post=True) as p:
        sessions.end(p.session, token=request.cookies.get(sessions.COOKIE_NAME))
        p.audit("staff.logout")
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/staff")
    return response


@router.get("/", response_model=None)
def home(request: Request) -> RedirectResponse:
    with page(request, roles=ANY) as p:
        role = p.account.role
    return RedirectResponse(HOME[role], status_code=303)
