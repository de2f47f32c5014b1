"""One staff page request: its unit of work, the account (signed in, or between login steps), role and CSRF
checks, rendering and auditing: `page` for the console, `login_step` for the steps after the password."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

import phonenumbers
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from azukari.clock import in_tokyo, tokyo_date
from azukari.households.models import Household
from azukari.households.phone import can_take_sms
from azukari.oversight import audit
from azukari.oversight.audit import Change
from azukari.runtime import Runtime, runtime_of
from azukari.staff.accounts import ROLE_LABELS
from azukari.staff.models import StaffAccount, StaffSession
from azukari.staff.signin import sessions


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
templates.env.filters["tokyo"] = lambda at: in_tokyo(at).strftime("%Y-%m-%d %H:%M") if at else ""
templates.env.filters["phone"] = _national
templates.env.tests["sms_capable"] = can_take_sms
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
    """One console request's context: its unit of work, who is asking, the clock, and `render`/`audit`.

    `signed_in` is False only on the login steps after the password (second factor, enrolment, forced
    password change): the account is known but has no session yet, so the page shows no one as signed
    in and no household warning banner (it shows no household).
    """

    request: Request
    session: Session
    account: StaffAccount
    record: StaffSession
    now: dt.datetime
    runtime: Runtime
    signed_in: bool = True

    @property
    def csrf(self) -> str:
        return self.record.csrf_token

    @property
    def actor(self) -> str:
        return f"staff:{self.account.id}"

    @property
    def today(self) -> dt.date:
        return tokyo_date(self.now)

    @property
    def secret_key(self) -> str:
        return self.runtime.settings.azukari_secret_key

    def audit(self, action: str, *, household_pk: int | None = None, **detail: object) -> None:
        audit.record(self.session, actor=self.actor, action=action, now=self.now, household_pk=household_pk,
                     detail=dict(detail))

    def audit_changes(self, action: str, changes: list[Change], *, household_pk: int,
                      **detail: object) -> None:
        """A correction's audit entry: the fields it changed in the entry (`changed`), their values before and
        after beside it (`audit.record_changes`: masked where they name a person, gone with the household)."""
        entry = audit.record(self.session, actor=self.actor, action=action, now=self.now, household_pk=household_pk,
                             detail={"changed": [change.field for change in changes], **detail})
        audit.record_changes(self.session, entry, changes)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        # The banner is worked out here, from what the page holds, never set by a handler: a handler
        # that forgets a line must not show a DV household without its warning.
        banner = dv_households(self.session, context) if self.signed_in else []
        return templates.TemplateResponse(self.request, template, {
            "me": self.account if self.signed_in else None, "csrf": self.csrf, "dv_households": banner,
            **context}, status_code=status_code)


def dv_households(session: Session, context: dict[str, Any]) -> list[str]:
    """The 世帯IDs of DV-flagged households the page renders or loaded, sorted.

    Two nets: every household this request's session holds (a template may reach one through
    `child.household`), and every value in the template context that says it is one (search
    results, roster lines and audit rows carry `household_id` and `dv_flag`).
    """
    found = {obj.household_id for obj in list(session.identity_map.values())
             if isinstance(obj, Household) and obj.dv_flag}
    _collect(context.values(), found, depth=0)
    return sorted(found)


def _collect(values: Iterable[object], found: set[str], *, depth: int) -> None:
    if depth > 4:
        return
    for value in values:
        if isinstance(value, str | bytes | int | float | bool | dt.date) or value is None:
            continue
        if getattr(value, "dv_flag", False) is True and isinstance(getattr(value, "household_id", None), str):
            found.add(value.household_id)  # type: ignore[attr-defined]
        if isinstance(value, dict):
            _collect(value.values(), found, depth=depth + 1)
        elif isinstance(value, list | tuple | set | frozenset):
            _collect(value, found, depth=depth + 1)
        elif is_dataclass(value):
            _collect((getattr(value, f.name) for f in fields(value)), found, depth=depth + 1)


@contextmanager
def page(request: Request, *, roles: frozenset[str], csrf: str | None = None,
         post: bool = False) -> Iterator[Page]:
    """The request's one unit of work as the signed-in staff member; it commits when the handler's block ends.

    A handler that returns (a page, a redirect, a refused form) commits what it did and audited; one
    that raises commits nothing. A revoked, deactivated or expired session is deleted and committed
    before the browser is sent to log in again, so the very next request after deactivation is refused.
    """
    with _context(request, stages=frozenset({sessions.SIGNED_IN}), roles=roles, csrf=csrf, post=post) as p:
        yield p


@contextmanager
def watching(request: Request, *, roles: frozenset[str]) -> Iterator[Page]:
    """`page` for a page that only reads and refreshes itself (an import's progress): its transaction takes
    no write lock (on SQLite, a long write such as that import holds the only one) and commits nothing; the
    session is checked but not touched, so watching does not keep an idle session alive either."""
    with _context(request, stages=frozenset({sessions.SIGNED_IN}), roles=roles, csrf=None, post=False,
                  reads_only=True) as p:
        yield p


@contextmanager
def login_step(request: Request, stage: str, *, csrf: str | None = None, post: bool = False) -> Iterator[Page]:
    """A login step after the password, on its pending row (stage "code", "enrol" or "password"), as `page`.

    The pending row opens only its own step: a full session, or a row of another stage, is sent to log in.
    """
    with _context(request, stages=frozenset({stage}), roles=ANY, csrf=csrf, post=post) as p:
        yield p


@contextmanager
def _context(request: Request, *, stages: frozenset[str], roles: frozenset[str], csrf: str | None,
             post: bool, reads_only: bool = False) -> Iterator[Page]:
    runtime = runtime_of(request)
    now = runtime.clock.now()
    with runtime.database.reading() if reads_only else runtime.database.unit_of_work() as session:
        found = sessions.resume(session, token=request.cookies.get(sessions.COOKIE_NAME), now=now, stages=stages,
                                touch=not reads_only)
        if found is None:
            if not reads_only:
                session.commit()
            raise LoginRequired()
        if post and not sessions.csrf_ok(found.record, csrf):
            raise Forbidden("csrf")
        if found.account.role not in roles:
            raise Forbidden("role")
        yield Page(request, session, found.account, found.record, now, runtime,
                   signed_in=found.record.stage == sessions.SIGNED_IN)
        if not reads_only:
            session.commit()
