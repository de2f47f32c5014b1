"""A cap on the bytes a request may send, counted as they arrive: declared or chunked, nothing bigger is parsed.

Starlette reads a form whole before anyone looks at it, and a chunked request declares no length:
without a count of the bytes actually received, one unsigned request can take gigabytes. The cap
sits in front of every route (webhooks and console) and answers 413 as soon as it is passed.
"""
from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The largest thing anyone sends us is a staff form; Twilio posts a few kB.
MAX_REQUEST_BYTES = 2 * 1024 * 1024


class RequestTooLarge(HTTPException):
    """Raised from `receive` once the cap is passed; an HTTPException, so every layer lets it through."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="request too large")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_REQUEST_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _too_large(send)
            return
        received = 0
        exceeded = started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise RequestTooLarge()
            return message

        async def watched(message: Message) -> None:
            # Form parsers may wrap our exception (an ExceptionGroup) and answer 400 or 403: once the
            # cap is passed, whatever the app answers becomes the one 413.
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _too_large(send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not exceeded:
                raise
            if not started:
                await _too_large(send)


async def _too_large(send: Send) -> None:
    headers: list[Any] = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": b"request too large"})
