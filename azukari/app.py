"""The web app: a runtime's routes — Twilio webhooks, the static TwiML, the console, the parents' pages, health."""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from sqlalchemy import text

from azukari import request_scope
from azukari.body_limit import BodyLimit
from azukari.clock import Clock
from azukari.db import Database
from azukari.ivr import overload
from azukari.ivr.routes import router as twilio_webhooks
from azukari.ivr.static_routes import build_router as static_twiml
from azukari.ivr.voice import busy_line
from azukari.runtime import Runtime, RuntimeDep, build
from azukari.settings import Settings
from azukari.staff.web import install_staff_console
from azukari.web.site import install_parents_pages


def create_app(settings: Settings, *, database: Database | None = None, clock: Clock | None = None) -> FastAPI:
    """An app on its own runtime (tests pass their database and clock)."""
    return app_for(build(settings, database=database, clock=clock))


def app_for(runtime: Runtime) -> FastAPI:
    """The app over a runtime its caller built and closes (`azukari serve`)."""
    app = FastAPI(title="azukari", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    app.include_router(twilio_webhooks)
    app.include_router(static_twiml())
    install_staff_console(app)
    install_parents_pages(app)
    overload.install(app, limit=runtime.settings.max_webhooks_in_flight,
                     busy_twiml=busy_line(f"{runtime.settings.public_base_url}/twilio/voice/busy_callback"))
    # Counts the bytes actually received, chunked bodies included. Added first, so it sits inside the
    # other middleware: its refusal reaches the route as an HTTPException, not wrapped in a task group.
    app.add_middleware(BodyLimit)
    request_scope.install(app)  # request ids, webhook timings, GET /metrics

    @app.get("/healthz", include_in_schema=False)
    def healthz(runtime: RuntimeDep) -> PlainTextResponse:
        # For the load balancer and compose: an instance that cannot reach the database is out.
        try:
            with runtime.database.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return PlainTextResponse("database unreachable", status_code=503)
        return PlainTextResponse("ok")

    return app
