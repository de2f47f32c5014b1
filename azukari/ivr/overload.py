"""When the line is overloaded: a new call hears "busy" at once, and calls already in progress keep their pace.

Each instance counts the webhooks it has accepted and not yet answered. Past the configured limit
(`MAX_WEBHOOKS_IN_FLIGHT`), the worker threads are all busy and requests queue; a new call is then
answered on the event loop, without waiting for a thread or touching the database, with a short
busy message and `1` for a call back. Webhooks of calls already in progress are never turned away:
a parent halfway through a booking finishes it.
"""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

NEW_CALL_PATH = "/twilio/voice"


@dataclass
class LineLoad:
    """Webhooks this instance has accepted and not yet answered; touched only on the event loop."""

    limit: int
    in_flight: int = 0
    turned_away: int = 0

    def busy(self) -> bool:
        return self.limit > 0 and self.in_flight > self.limit


class LineBusy(Exception):
    """Raised before a new call's handler runs; answered with the busy TwiML."""


class _CountWebhooks:
    def __init__(self, app: ASGIApp, load: LineLoad) -> None:
        self.app, self.load = app, load

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/twilio/"):
            await self.app(scope, receive, send)
            return
        self.load.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.load.in_flight -= 1


def install(app: FastAPI, *, limit: int, busy_twiml: str) -> LineLoad:
    load = LineLoad(limit)
    app.state.line_load = load
    app.add_middleware(_CountWebhooks, load=load)

    @app.exception_handler(LineBusy)
    async def _busy(request: Request, error: LineBusy) -> Response:
        return Response(content=busy_twiml, media_type="text/xml")

    return load


async def refuse_new_call_when_busy(request: Request) -> None:
    """A dependency of the new-call webhook, after its signature check: async, so it runs before any thread."""
    load: LineLoad | None = getattr(request.app.state, "line_load", None)
    if load is not None and load.busy():
        load.turned_away += 1
        raise LineBusy()
