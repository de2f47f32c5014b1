"""The login steps after the password: the second factor (or enrolling one), then any forced password change.

Each step runs on a pending row that opens no console page. Wrong codes count against the same
client and name as wrong passwords, and five on one pending login send the person back to the start.
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azukari.staff import accounts
from azukari.staff.console import Page, login_step
from azukari.staff.signin import password_step, second_factor, sessions
from azukari.staff.signin.routes_auth import HOME, THROTTLED, client_of, login_page, set_session_cookie

router = APIRouter()
Text = Annotated[str, Form()]
CODE_FAILURES_PER_LOGIN = 5


def _advance(s: Page, *, how: str) -> tuple[str, str]:
    """Both factors are in: the next row (forced password change, or the session) under a new token."""
    s.session.delete(s.record)
    if s.account.must_change_password:
        return sessions.start(s.session, account=s.account, now=s.now, stage="password"), "/staff/login/password"
    s.account.last_login_at = s.now
    s.audit("staff.login", second_factor=how, recovery_codes_left=second_factor.recovery_codes_left(s.session,
                                                                                                    s.account))
    return sessions.start(s.session, account=s.account, now=s.now), HOME[s.account.role]


def _wrong_code(s: Page, template: str, **context: Any) -> Response:
    client = client_of(s.request)
    password_step.record_failure(s.session, client=client, username=s.account.username, now=s.now)
    s.record.failures += 1
    s.audit("staff.login_failed", step="second_factor", reason="wrong")
    if s.record.failures >= CODE_FAILURES_PER_LOGIN or password_step.throttled(
            s.session, client=client, username=s.account.username, now=s.now):
        s.session.delete(s.record)
        s.session.commit()
        return login_page(s.request, error=THROTTLED, status_code=401)
    response = s.render(template, status_code=401, error="コードが違います。", **context)
    s.session.commit()
    return response


@router.get("/login/code", response_class=HTMLResponse)
def code_form(request: Request) -> HTMLResponse:
    with login_step(request, "code") as s:
        response = s.render("login_code.html", error="")
        s.session.commit()
    return response


@router.post("/login/code", response_model=None)
def code(request: Request, code: Text = "", recovery: Text = "", csrf: Text = "") -> Response:
    with login_step(request, "code", csrf=csrf, post=True) as s:
        if recovery.strip():
            ok, how = second_factor.use_recovery_code(s.session, s.account, recovery[:100], now=s.now), "recovery"
        else:
            ok, how = second_factor.check_code(s.account, code[:20], secret_key=s.secret_key, now=s.now), "totp"
        if not ok:
            return _wrong_code(s, "login_code.html")
        token, target = _advance(s, how=how)
        s.session.commit()
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token)
    return response


def _enrol_page(s: Page, secret: str, *, error: str = "", status_code: int = 200) -> HTMLResponse:
    uri = second_factor.provisioning_uri(s.account, secret)
    return s.render("login_enrol.html", status_code=status_code, error=error, qr=second_factor.qr_svg(uri),
                    secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_form(request: Request) -> HTMLResponse:
    with login_step(request, "enrol") as s:
        # A new secret on every visit: a QR code is shown once and never again once enrolled.
        response = _enrol_page(s, second_factor.begin_enrolment(s.account, secret_key=s.secret_key))
        s.session.commit()
    return response


@router.post("/login/enrol", response_model=None)
def enrol(request: Request, code: Text = "", csrf: Text = "") -> Response:
    with login_step(request, "enrol", csrf=csrf, post=True) as s:
        secret = second_factor.pending_secret(s.account, secret_key=s.secret_key)
        if secret is None:
            s.session.commit()
            return RedirectResponse("/staff/login/enrol", status_code=303)
        codes = second_factor.finish_enrolment(s.session, s.account, code[:20], secret_key=s.secret_key, now=s.now)
        if codes is None:
            uri = second_factor.provisioning_uri(s.account, secret)
            return _wrong_code(s, "login_enrol.html", qr=second_factor.qr_svg(uri),
                               secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))
        s.audit("staff.second_factor_enrolled")
        token, target = _advance(s, how="enrolled")
        # The codes exist only in this response: they are stored hashed and can never be shown again.
        response = s.render("login_recovery_codes.html", codes=codes, target=target)
        s.session.commit()
    set_session_cookie(request, response, token)
    return response


@router.get("/login/password", response_class=HTMLResponse)
def forced_password_form(request: Request) -> HTMLResponse:
    with login_step(request, "password") as s:
        response = s.render("password.html", error="", forced=True, action="/staff/login/password")
        s.session.commit()
    return response


@router.post("/login/password", response_model=None)
def forced_password(request: Request, new_password: Text = "", confirm: Text = "", csrf: Text = "") -> Response:
    with login_step(request, "password", csrf=csrf, post=True) as s:
        try:
            if new_password != confirm:
                raise accounts.AccountError("確認のため同じパスワードを2回入力してください")
            accounts.change_password(s.session, account=s.account, current=None, new=new_password[:1000],
                                     keep_session=s.record)
        except accounts.AccountError as error:
            response = s.render("password.html", status_code=422, error=str(error), forced=True,
                                action="/staff/login/password")
            s.session.commit()
            return response
        s.audit("staff.password_changed", forced=True)
        token, target = _advance(s, how="after_password_change")
        s.session.commit()
    onward = RedirectResponse(target, status_code=303)
    set_session_cookie(request, onward, token)
    return onward
