"""GET /metrics as both processes answer it: the bearer rule, and the worker's own small listener.

`serve` answers through its web app (request_scope.py); `azukari worker --metrics-port P` has no web
app, so a standard-library HTTP server on a daemon thread answers for it, by the same rule: 404 while
METRICS_TOKEN is unset, 401 without `Authorization: Bearer <token>`, the registry's text otherwise.
"""
from __future__ import annotations

import hmac
import logging
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST

from azukari.operations.metrics import Metrics

_logger = logging.getLogger("azukari.metrics")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def answer(metrics: Metrics, *, token: str, authorization: str) -> Answer:
    """What GET /metrics answers, given METRICS_TOKEN and the request's Authorization header."""
    if not token:
        return Answer(404, b"not found")  # no token, no metrics: nothing to find
    if not hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return Answer(401, b"unauthorized", headers={"WWW-Authenticate": "Bearer"})
    return Answer(200, metrics.exposition(), CONTENT_TYPE_LATEST)


class MetricsServer:
    """GET /metrics on `host:port` until `stop()`; every other path and method is 404/405."""

    def __init__(self, metrics: Metrics, *, token: str, host: str, port: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply = (answer(metrics, token=token, authorization=self.headers.get("Authorization", ""))
                         if self.path.split("?", 1)[0] == "/metrics" else Answer(404, b"not found"))
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # a scrape every 15 s is not news; the worker's log stays its own

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="metrics", daemon=True)

    def start(self) -> MetricsServer:
        self._thread.start()
        _logger.info("metrics on port %d (GET /metrics with the METRICS_TOKEN bearer)", self.port)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
