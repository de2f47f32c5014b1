"""The operations side of the web app: a request id and a timing per request, and GET /metrics."""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response

from azukari.ivr.questions import STEPS
from azukari.operations.logs import request_id
from azukari.operations.metrics_http import answer
from azukari.runtime import RuntimeDep, runtime_of

log = logging.getLogger("azukari.requests")


def install(app: FastAPI) -> None:
    app.middleware("http")(_request_scope)
    app.add_api_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)


def _labels(request: Request) -> tuple[str, str]:
    """The route as its template (/twilio/voice/{step}), never the path a caller could fill with anything."""
    if request.scope.get("route") is None:
        return "unmatched", ""
    names = {str(value): f"{{{name}}}" for name, value in request.path_params.items()}
    route = "/".join(names.get(part, part) for part in request.url.path.split("/"))
    step = str(request.path_params.get("step", ""))
    return route, step if step in STEPS else ("" if not step else "other")


async def _request_scope(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    # Always our own: a header a client sends could carry anything into the logs.
    token = request_id.set(uuid.uuid4().hex[:16])
    started = time.perf_counter()
    try:
        response = await call_next(request)
        elapsed = time.perf_counter() - started
        route, step = _labels(request)
        # The route's template and the step only: a path may hold a household's key, a query anything.
        log.info("%s %s%s %d in %.0f ms", request.method, route, f" ({step})" if step else "",
                 response.status_code, elapsed * 1000)
    finally:
        request_id.reset(token)
    if request.url.path.startswith("/twilio/"):
        runtime_of(request).metrics.webhook_seconds.labels(route, step).observe(elapsed)
    return response


def _metrics(request: Request, runtime: RuntimeDep) -> Response:
    reply = answer(runtime.metrics, token=runtime.settings.metrics_token,
                   authorization=request.headers.get("Authorization", ""))
    return Response(reply.body, status_code=reply.status, media_type=reply.content_type, headers=reply.headers)
