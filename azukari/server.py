"""`azukari serve`: migrate, demo data if asked, the outbox sender and periodic jobs in-process, then uvicorn."""
from __future__ import annotations

import logging

import uvicorn

from azukari import jobs, migrate
from azukari.app import create_app
from azukari.clock import SystemClock, tokyo_today
from azukari.db import Database
from azukari.erasure.tasks import erasure_tasks
from azukari.messaging.sender import OutboxSender, start_background
from azukari.messaging.twilio_http import HttpxTwilioClient, make_twilio_client
from azukari.settings import Settings

log = logging.getLogger("azukari.server")

def _load_demo(database: Database, clock: SystemClock, secret_key: str) -> None:
    from azukari.registration.demo import load_demo
    from azukari.staff.demo import add_demo_account

    with database.unit_of_work() as session:
        summary = load_demo(session, today=tokyo_today(clock))
        staff = add_demo_account(session, secret_key=secret_key, now=clock.now()) if summary else ""
        session.commit()
    log.info("%s", summary or "demo: the database already has data; nothing loaded")
    if staff:
        log.info("%s", staff)


def serve(settings: Settings, *, host: str, port: int, demo: bool) -> None:
    """Run the web service until interrupted; the outbox sender stops with it, finishing its message."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    clock = SystemClock()
    database = Database(settings.database_url, secret_key=settings.azukari_secret_key)
    migrate.upgrade(database.engine)
    if demo:
        _load_demo(database, clock, settings.azukari_secret_key)
    if settings.is_demo_credentials:
        log.warning("using the demo Twilio credentials: fine on a laptop, never in production")
    http = HttpxTwilioClient(base_url=settings.twilio_api_base_url)
    sender = OutboxSender(database=database, settings=settings, clock=clock,
                          client=make_twilio_client(settings, http))
    background = start_background(sender, settings.outbox_poll_seconds)
    tasks = erasure_tasks(database=database, clock=clock, settings=settings, client=sender.client)
    stop_jobs = jobs.start(database, clock, tasks=tasks)  # stale state, reminders, the daily erasure
    try:
        app = create_app(settings, database=database, clock=clock)
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
    finally:
        stop_jobs.set()
        background.stop()
        http.close()
        database.dispose()
