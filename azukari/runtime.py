"""The one wiring of a process: settings, database, clock and the Twilio sender, built once by `build()`.

The app, `azukari serve`, `azukari worker` and every CLI command call `build(settings)`, so a
process holds one engine and one Twilio transport, and a test builds its own runtime around
its own database and clock.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Annotated

from fastapi import Depends, Request
from twilio.rest import Client

from azukari.clock import Clock, SystemClock
from azukari.db import SMS_REPLIES_INFO, Database
from azukari.messaging.demo_sink import SINK_BASE_URL, DemoSink
from azukari.messaging.sender import OutboxSender
from azukari.messaging.twilio_http import HttpxTwilioClient, make_twilio_client
from azukari.operations.metrics import Metrics
from azukari.settings import Settings


@dataclass
class Runtime:
    """Everything a request, job or command needs; closed once, by whoever built it."""

    settings: Settings
    database: Database
    clock: Clock
    metrics: Metrics = field(default_factory=Metrics)
    owns_database: bool = False
    # `serve --demo` without TWILIO_API_BASE_URL: the Twilio client's transport, so nothing leaves the process.
    sink: DemoSink | None = None
    _http: HttpxTwilioClient | None = field(default=None, repr=False)
    _twilio: Client | None = field(default=None, repr=False)

    def twilio_client(self) -> Client:
        """The process's one Twilio REST client (over one httpx transport), made when first needed."""
        if self._twilio is None:
            # Behind the sink, a host that cannot resolve: even a request that slipped past it reaches nobody.
            base_url = SINK_BASE_URL if self.sink is not None else self.settings.twilio_api_base_url
            self._http = HttpxTwilioClient(base_url=base_url, transport=self.sink)
            self._twilio = make_twilio_client(self.settings, self._http)
        return self._twilio

    def outbox_sender(self) -> OutboxSender:
        """A sender over this runtime's database and its one Twilio client."""
        return OutboxSender(database=self.database, settings=self.settings, clock=self.clock,
                            client=self.twilio_client(), counted=self.metrics.count_send)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http, self._twilio = None, None
        if self.owns_database:
            # A database handed in (a test's) belongs to its owner and outlives this runtime.
            self.database.dispose()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def build(settings: Settings, *, clock: Clock | None = None, database: Database | None = None,
          demo_sink: bool = False) -> Runtime:
    """The runtime for `settings`; a database or clock given is used as it is (tests give both).

    With `demo_sink`, every request of its Twilio client is answered by a `DemoSink` in this process.

    A given database's engine is shared, but the runtime counts on a session factory of its own,
    so several runtimes on one database (tests, a worker beside the app) keep their own metrics.
    """
    clock = clock or SystemClock()
    runtime = Runtime(settings=settings, clock=clock, owns_database=database is None,
                      sink=DemoSink(clock) if demo_sink else None,
                      database=database.with_own_sessions() if database is not None
                      else Database(settings.database_url, secret_key=settings.azukari_secret_key))
    # The runtime's own session factory: every unit of work it opens knows SMS_REPLIES (texts.seat_offer).
    info = dict(runtime.database.sessions.kw.get("info") or {})
    runtime.database.sessions.configure(info={**info, SMS_REPLIES_INFO: settings.sms_replies})
    runtime.metrics.watch(runtime.database, runtime.clock)
    return runtime


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _runtime(request: Request) -> Runtime:
    # Async on purpose: FastAPI runs a plain `def` dependency in a worker thread, one more hand-off
    # between threads per request for an attribute read (docs/benchmarks.md, "Calls").
    return runtime_of(request)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
