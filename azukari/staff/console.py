"""One staff page request: its unit of work, the signed-in account, role and CSRF checks, rendering."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import phonenumbers
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from azukari.oversight import audit
from azukari.settings import TOKYO
from azukari.staff import sessions
from azukari.staff.accounts import ROLE_LABELS
from azukari.staff.models import StaffAccount, StaffSession

if TYPE_CHECKING:  # app.py installs the console, so importing it at runtime would be circular
    from azukari.app import Runtime



def _national(e164: str) -> str:
    """+819012345678 as 090-1234-5678: what staff dial from an office phone."""
    try:
        number = phonenumbers.parse(e164, "JP")
    except phonenumbers.NumberParseException:
        return e164
    domestic = number.country_code == 81
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL if domestic
                                          else phonenumbers.PhoneNumberFormat.INTERNATIONAL))


templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["tokyo"] = lambda at: at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") if at else ""
templates.env.filters["phone"] = _national
templates.env.globals["ROLE_LABELS"] = ROLE_LABELS

# What each role may open; admin sees everything centre staff see, plus accounts, audit, retention.
CENTRE = frozenset({"centre", "admin"})
ADMIN = frozenset({"admin"})
ANY = frozenset({"facility", "centre", "admin"})


class LoginRequired(Exception):
    """No live session: the browser goes to the login page."""


class Forbidden(Exception):
    """Signed in, but this role may not do this (or the form's CSRF token is wrong)."""


@dataclass
class Page:
    request: Request
    session: Session
    account: StaffAccount
    csrf: str
    now: dt.datetime
    runtime: Runtime
    session_record: StaffSession
    dv_households: list[str] = field(default_factory=list)

    @property
    def actor(self) -> str:
        return f"staff:{self.account.id}"

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(TOKYO).date()

    def audit(self, action: str, *, household_pk: int | None = None, **detail: object) -> None:
        audit.record(self.session, actor=self.actor, action=action, now=self.now, household_pk=household_pk,
                     detail=dict(detail))

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(self.request, template, {
            "me": self.account, "csrf": self.csrf, "dv_households": self.dv_households, **context},
            status_code=status_code)


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@contextmanager
def page(request: Request, *, roles: frozenset[str], csrf: str | None = None,
         post: bool = False) -> Iterator[Page]:
    """Open the request's one unit of work as the signed-in staff member; the handler commits.

    A revoked, deactivated or expired session is deleted and committed before the browser is
    sent to log in again, so the very next request after deactivation is refused.
    """
    runtime = runtime_of(request)
    now = runtime.clock.now()
    with runtime.database.unit_of_work() as session:
        signed_in = sessions.resume(session, token=request.cookies.get(sessions.COOKIE_NAME), now=now)
        if signed_in is None:
            session.commit()
            raise LoginRequired()
        if post and not sessions.csrf_ok(signed_in.record, csrf):
            raise Forbidden("csrf")
        if signed_in.account.role not in roles:
            raise Forbidden("role")
        yield Page(request, session, signed_in.account, signed_in.record.csrf_token, now, runtime, signed_in.record)
