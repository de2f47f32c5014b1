"""Installs the parents' pages on the public port: routes, static files, security headers, sign-in redirects."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from azukari.web import routes
from azukari.web.page import BadForm, PasswordChangeRequired, SignInRequired

STATIC = "/web/static"
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
# The parents' paths: everything else on the port is the webhooks', the console's or health.
PATHS = frozenset({"/", "/help", "/signin", "/signout", "/password", "/book", "/book/confirm", "/waitlist",
                   "/bookings", "/bookings/cancel"})


def install_parents_pages(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.mount(STATIC, StaticFiles(directory=str(Path(__file__).parent / "static")), name="web-static")
    app.add_exception_handler(SignInRequired, _to_signin)
    app.add_exception_handler(PasswordChangeRequired, _to_password)
    app.add_exception_handler(BadForm, _bad_form)
    app.add_middleware(_SecurityHeaders)


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


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not is_parents_page(path):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = _CSP
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                if not path.startswith(STATIC):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
