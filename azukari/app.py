"""The composition root: settings, database, clock and Twilio client wired into one FastAPI app."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from azukari.clock import Clock, SystemClock
from azukari.db import Database
from azukari.ivr.routes import router as twilio_webhooks
from azukari.settings import Settings
from azukari.staff.web import install_staff_console


@dataclass
class Runtime:
    """Everything a request needs, built once per app (never at import time)."""

    settings: Settings
    database: Database
    clock: Clock


def create_app(settings: Settings, *, database: Database | None = None, clock: Clock | None = None) -> FastAPI:
    runtime = Runtime(settings=settings, database=database or Database(settings.database_url),
                      clock=clock or SystemClock())
    app = FastAPI(title="azukari", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    app.include_router(twilio_webhooks)
    install_staff_console(app)
    return app
