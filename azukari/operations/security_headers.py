"""The browser-facing headers of a channel's pages (the staff console, the parents' pages): one policy.

Plain ASGI rather than `app.middleware("http")`: Starlette's BaseHTTPMiddleware runs each request in a
task group with memory streams, a cost every Twilio webhook would pay too (docs/benchmarks.md, "Calls")."""
from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No script but our own files, no frames, forms only to us.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


class SecurityHeaders:
    """CSP, no framing, no sniffing, no referrer on the paths `covers` names; pages (all but `static`) are never
    cached: they carry names, addresses and numbers on file."""

    def __init__(self, app: ASGIApp, *, covers: Callable[[str], bool], static: str) -> None:
        self.app, self.covers, self.static = app, covers, static

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not self.covers(path):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                if not path.startswith(self.static):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
