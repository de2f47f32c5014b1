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


def load_demo_data(runtime: Runtime, *, console_url: str) -> list[str]:
    """`serve --demo`: demo data into an empty database; the lines that say how to try it and log in."""
    from azukari.registration.demo import DEMO_HOUSEHOLD_ID, DEMO_PIN, load_demo
    from azukari.staff.demo import add_demo_account, demo_login

    with runtime.database.unit_of_work() as session:
        summary = load_demo(session, today=tokyo_today(runtime.clock))
        if summary:  # only a database the demo has just filled gets the account with the published password
            add_demo_account(session, secret_key=runtime.settings.azukari_secret_key, now=runtime.clock.now())
        login = demo_login(session, console_url=console_url)
        session.commit()
    return [summary or "demo: the database already has data; nothing loaded",
            f"try the line: azukari call (household ID {DEMO_HOUSEHOLD_ID}, phone PIN {DEMO_PIN}), or azukari sms",
            *(login or ["no demo staff account in this database (only an empty one gets it); "
                        "make one with: azukari staff add NAME --role admin"])]


def serve(settings: Settings, *, host: str, port: int, demo: bool) -> None:
    """Run the web service until interrupted; the outbox sender stops with it, finishing its message."""
    logs.configure(settings)  # LOG_FORMAT: text, or one JSON object per line
    with build(settings) as runtime:
        migrate.upgrade(runtime.database.engine)
        if demo:
            shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host
            # Printed, not logged: what a person trying the demo reads before the server's log starts.
            print("\n".join(load_demo_data(runtime, console_url=f"http://{shown}:{port}/staff/")), flush=True)
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
