"""Installs the parents' pages on the public port: routes, static files, security headers, sign-in redirects."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from azukari.operations.security_headers import SecurityHeaders
from azukari.web import routes
from azukari.web.page import BadForm, PasswordChangeRequired, SignInRequired

STATIC = "/web/static"
# The parents' paths: everything else on the port is the webhooks', the console's or health.
PATHS = frozenset({"/", "/help", "/signin", "/signout", "/password", "/book", "/book/confirm", "/waitlist",
                   "/bookings", "/bookings/cancel"})


def install_parents_pages(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.mount(STATIC, StaticFiles(directory=str(Path(__file__).parent / "static")), name="web-static")
    app.add_exception_handler(SignInRequired, _to_signin)
    app.add_exception_handler(PasswordChangeRequired, _to_password)
    app.add_exception_handler(BadForm, _bad_form)
    app.add_middleware(SecurityHeaders, covers=is_parents_page, static=STATIC)


def is_parents_page(path: str) -> bool:
    return path in PATHS or path.startswith(("/offers/", STATIC + "/"))


async def _to_signin(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/signin", status_code=303)


async def _to_password(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/password", status_code=303)


async def _bad_form(request: Request, exc: Exception) -> Response:
    # An old tab or a forged form: nothing changed; the parent starts again from the sign-in page.
    return HTMLResponse('<!doctype html><html lang="ja"><title>azukari</title><p><a href="/signin">'
                        'もう一度ログインしてください / Please sign in again</a></p></html>', status_code=403)
