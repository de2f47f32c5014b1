"""`azukari serve`: migrate, demo data if asked, the outbox sender and periodic jobs in-process, then uvicorn."""
from __future__ import annotations

import logging

import uvicorn

from azukari import jobs, migrate
from azukari.app import app_for
from azukari.clock import tokyo_today
from azukari.erasure.tasks import erasure_tasks
from azukari.messaging.sender import start_background
from azukari.operations import logs
from azukari.runtime import Runtime, build
from azukari.settings import Settings

log = logging.getLogger("azukari.server")

def _load_demo(runtime: Runtime) -> None:
    from azukari.registration.demo import load_demo
    from azukari.staff.demo import add_demo_account

    with runtime.database.unit_of_work() as session:
        summary = load_demo(session, today=tokyo_today(runtime.clock))
        staff = add_demo_account(session, secret_key=runtime.settings.azukari_secret_key,
                                 now=runtime.clock.now()) if summary else ""
        session.commit()
    log.info("%s", summary or "demo: the database already has data; nothing loaded")
    if staff:
        log.info("%s", staff)  # the demo's published console login: user, password and TOTP secret


def serve(settings: Settings, *, host: str, port: int, demo: bool) -> None:
    """Run the web service until interrupted; the outbox sender stops with it, finishing its message."""
    logs.configure(settings)  # LOG_FORMAT: text, or one JSON object per line
    with build(settings) as runtime:
        migrate.upgrade(runtime.database.engine)
        if demo:
            _load_demo(runtime)
        if settings.is_demo_credentials:
            log.warning("using the demo Twilio credentials: fine on a laptop, never in production")
        background = start_background(runtime.outbox_sender(), settings.outbox_poll_seconds)
        tasks = erasure_tasks(database=runtime.database, clock=runtime.clock, settings=settings,
                              client=runtime.twilio_client())
        stop_jobs = jobs.start(runtime, tasks=tasks)  # stale state, reminders, the daily erasure
        try:
            uvicorn.run(app_for(runtime), host=host, port=port, log_level="info", access_log=False,
                        log_config=None)  # uvicorn logs through our handler, in our format
        finally:
            stop_jobs.set()
            background.stop()
