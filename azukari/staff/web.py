"""Installs the staff console under /staff: who may reach it, routers, static files, security headers, error pages.

Only clients in CONSOLE_ALLOW reach the console (the address read as TRUSTED_PROXIES allow); others
get the very 404 an app without a console would give. With `serve --console-port`, the console is
served on that listener only, and that listener serves nothing else but /healthz and /metrics.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from azukari.registration.service import HouseholdNotFound
from azukari.runtime import runtime_of
from azukari.staff import (
    routes_accounts,
    routes_audit,
    routes_auth,
    routes_bookings,
    routes_counter,
    routes_demo,
    routes_escalations,
    routes_households,
    routes_login,
    routes_password,
    routes_retention,
    routes_waitlist,
)
from azukari.staff.client_address import of_request, within
from azukari.staff.console import Forbidden, LoginRequired, templates
from azukari.staff.queue import EscalationNotFound

PREFIX = "/staff"
# What the console listener serves besides the console: health for its balancer, metrics for a scraper
# inside the ward's network (still behind METRICS_TOKEN). The webhooks never answer there.
_ON_BOTH = frozenset({"/healthz", "/metrics"})
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def install_staff_console(app: FastAPI) -> None:
    for module in (routes_auth, routes_login, routes_password, routes_escalations, routes_households, routes_counter,
                   routes_bookings, routes_audit, routes_accounts, routes_retention, routes_waitlist, routes_demo):
        app.include_router(module.router, prefix=PREFIX)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="staff-static")
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(HouseholdNotFound, _not_found)
    app.add_exception_handler(EscalationNotFound, _not_found)
    app.middleware("http")(_security_headers)
    # Added last, so it runs first: a client outside the allow list reaches nothing of the console.
    app.middleware("http")(_console_gate)


def _is_console(path: str) -> bool:
    return path in ("/", PREFIX) or path.startswith(f"{PREFIX}/")


async def _console_gate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    console_port: int | None = getattr(request.app.state, "console_port", None)
    server = request.scope.get("server")
    on_console_listener = console_port is not None and server is not None and server[1] == console_port
    if _is_console(request.url.path):
        settings = runtime_of(request).settings
        if (console_port is not None and not on_console_listener) \
                or not within(of_request(request, settings), settings.console_allow):
            return _no_such_page()
    elif on_console_listener and request.url.path not in _ON_BOTH:
        return _no_such_page()
    return await call_next(request)


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


async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    if request.url.path.startswith(PREFIX):
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if not request.url.path.startswith(f"{PREFIX}/static"):
            # Pages carry names, addresses and numbers on file: never keep them in a cache.
            response.headers["Cache-Control"] = "no-store"
    return response
