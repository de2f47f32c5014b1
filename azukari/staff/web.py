"""Installs the staff console under /staff: routers, static files, security headers, error pages."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from azukari.registration.service import HouseholdNotFound
from azukari.staff import (
    routes_accounts,
    routes_audit,
    routes_auth,
    routes_bookings,
    routes_counter,
    routes_escalations,
    routes_households,
    routes_retention,
    routes_waitlist,
)
from azukari.staff.console import Forbidden, LoginRequired, templates

PREFIX = "/staff"
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def install_staff_console(app: FastAPI) -> None:
    for module in (routes_auth, routes_escalations, routes_households, routes_counter, routes_bookings, routes_audit,
                   routes_accounts, routes_retention, routes_waitlist):
        app.include_router(module.router, prefix=PREFIX)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(Path(__file__).parent / "static")),
              name="staff-static")
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(HouseholdNotFound, _not_found)
    app.middleware("http")(_security_headers)


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
