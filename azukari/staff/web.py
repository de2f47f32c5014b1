"""Installs the staff console under /staff: who may reach it, routers, static files, security headers, error pages.

Only clients in CONSOLE_ALLOW reach the console (the address read as TRUSTED_PROXIES allow); others
get the very 404 an app without a console would give. With `serve --console-port`, the console is
served on that listener only, and that listener serves nothing else but /healthz and /metrics.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, StatementError
from starlette.types import ASGIApp, Receive, Scope, Send

from azukari.households.models import HouseholdNotFound
from azukari.operations.security_headers import SecurityHeaders
from azukari.oversight.escalations import EscalationNotFound
from azukari.runtime import runtime_of
from azukari.staff import (
    routes_accounts,
    routes_audit,
    routes_bookings,
    routes_calendar,
    routes_counter,
    routes_demo,
    routes_erasure,
    routes_escalations,
    routes_households,
    routes_import,
    routes_registry,
    routes_retention,
    routes_waitlist,
    routes_web_access,
)
from azukari.staff.console import Forbidden, LoginRequired, templates
from azukari.staff.signin import routes_auth, routes_login, routes_password
from azukari.staff.signin.client_address import of_request, within

PREFIX = "/staff"
# What the console listener serves besides the console: health for its balancer, metrics for a scraper
# inside the ward's network (still behind METRICS_TOKEN). The webhooks never answer there.
_ON_BOTH = frozenset({"/healthz", "/metrics", "/"})


def install_staff_console(app: FastAPI) -> None:
    for module in (routes_auth, routes_login, routes_password, routes_escalations, routes_households, routes_counter,
                   routes_bookings, routes_audit, routes_accounts, routes_retention, routes_waitlist, routes_demo,
                   routes_calendar, routes_registry, routes_web_access, routes_erasure,
                   routes_import):
        app.include_router(module.router, prefix=PREFIX)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="staff-static")
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(HouseholdNotFound, _not_found)
    app.add_exception_handler(EscalationNotFound, _not_found)
    for error in (DataError, OverflowError, StatementError):
        app.add_exception_handler(error, _impossible_value)
    app.add_middleware(SecurityHeaders, covers=lambda path: path.startswith(PREFIX), static=f"{PREFIX}/static")
    # Added last, so it runs first: a client outside the allow list reaches nothing of the console.
    app.add_middleware(_ConsoleGate)


def _is_console(path: str) -> bool:
    # "/" is the parents' availability page on the public listener (contract §8); on the console's own
    # listener it leads to the console's login (`_ON_BOTH` lets it through, the parents' page redirects).
    return path == PREFIX or path.startswith(f"{PREFIX}/")


class _ConsoleGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _refused(Request(scope)):
            await _no_such_page()(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _refused(request: Request) -> bool:
    console_port: int | None = getattr(request.app.state, "console_port", None)
    server = request.scope.get("server")
    on_console_listener = console_port is not None and server is not None and server[1] == console_port
    if _is_console(request.url.path):
        settings = runtime_of(request).settings
        return (console_port is not None and not on_console_listener) \
            or not within(of_request(request, settings), settings.console_allow)
    return on_console_listener and request.url.path not in _ON_BOTH


def _no_such_page() -> Response:
    # Byte for byte what FastAPI answers for a path it does not have: "there is no console here".
    return JSONResponse({"detail": "Not Found"}, status_code=404)


async def _to_login(request: Request, exc: Exception) -> Response:
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    return templates.TemplateResponse(request, "forbidden.html", {"me": None, "dv_households": []},
                                      status_code=403)


async def _not_found(request: Request, exc: Exception) -> Response:
    # An id typed into the address bar, or a household erased by the retention purge.
    return templates.TemplateResponse(request, "not_found.html", {"me": None, "dv_households": []},
                                      status_code=404)


async def _impossible_value(request: Request, exc: Exception) -> Response:
    """A value no row can hold, typed or forged into a console form or address: an id past the database's
    integers, a NUL byte PostgreSQL's text refuses, a date at the calendar's edge (0001-01-01 less nine
    hours). The transaction is already rolled back; the page says there is no such thing (400, not 500).
    Anywhere else the error stays a server error."""
    wrapped = isinstance(exc, StatementError) and not isinstance(exc, DataError)
    if not _is_console(request.url.path) or (wrapped and not isinstance(getattr(exc, "orig", None),
                                                                         OverflowError | ValueError)):
        raise exc
    return templates.TemplateResponse(request, "not_found.html", {"me": None, "dv_households": []},
                                      status_code=400)
