"""The operations side of the web app: request ids, a timing per request, GET /metrics; it reads the runtime."""
from __future__ import annotations

import logging
import time
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from azukari.ivr.machine.questions import STEPS
from azukari.operations.logs import request_id
from azukari.operations.metrics_http import answer
from azukari.runtime import RuntimeDep

log = logging.getLogger("azukari.requests")


def install(app: FastAPI) -> None:
    app.add_middleware(_RequestScope)
    app.add_api_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)


def _labels(scope: Scope) -> tuple[str, str]:
    """The route as its template (/twilio/voice/{step}), never the path a caller could fill with anything."""
    if scope.get("route") is None:
        return "unmatched", ""
    params: dict[str, object] = scope.get("path_params") or {}
    names = {str(value): f"{{{name}}}" for name, value in params.items()}
    route = "/".join(names.get(part, part) for part in str(scope["path"]).split("/"))
    step = str(params.get("step", ""))
    return route, step if step in STEPS else ("" if not step else "other")


class _RequestScope:
    """A request id for the log lines of one request, and its timing in a log line and a histogram.

    Plain ASGI rather than `app.middleware("http")`: Starlette's BaseHTTPMiddleware runs each request
    in a task group with memory streams, a cost every webhook paid (docs/benchmarks.md, "Calls").
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Always our own: a header a client sends could carry anything into the logs.
        token = request_id.set(uuid.uuid4().hex[:16])
        started = time.perf_counter()
        status = 500

        async def noted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noted)
            elapsed = time.perf_counter() - started
            route, step = _labels(scope)
            # The route's template and the step only: a path may hold a household's key, a query anything.
            log.info("%s %s%s %d in %.0f ms", scope["method"], route, f" ({step})" if step else "", status,
                     elapsed * 1000)
        finally:
            request_id.reset(token)
        if str(scope["path"]).startswith("/twilio/"):
            scope["app"].state.runtime.metrics.webhook_seconds.labels(route, step).observe(elapsed)


def _metrics(request: Request, runtime: RuntimeDep) -> Response:
    reply = answer(runtime.metrics, token=runtime.settings.metrics_token,
                   authorization=request.headers.get("Authorization", ""))
    return Response(reply.body, status_code=reply.status, media_type=reply.content_type, headers=reply.headers)
