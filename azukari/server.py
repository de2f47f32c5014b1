"""`azukari serve`: migrate, demo data if asked, the outbox sender and periodic jobs in-process, then uvicorn.

With `--console-port`, one app (one runtime, one engine) answers on two listeners in one event loop:
the public one serves the webhooks and not /staff, the console one serves /staff and not /twilio
(`staff/web.py` tells them apart by the port a request came in on).
"""
from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Generator
from contextlib import AbstractContextManager, contextmanager

import uvicorn
from fastapi import FastAPI

from azukari import migrate
from azukari.app import app_for
from azukari.clock import tokyo_today
from azukari.identity.warm import warm_up
from azukari.ivr.voice import speech_for
from azukari.messaging.sender import start_background
from azukari.operations import logs
from azukari.runtime import Runtime, build
from azukari.settings import Settings
from azukari.stop_signals import stop_signals_to
from azukari.worker import start_periodic

log = logging.getLogger("azukari.server")


def load_demo_data(runtime: Runtime, *, console_url: str, public_url: str | None = None) -> list[str]:
    """`serve --demo`: demo data into an empty database; the lines that say how to try it and log in.

    `public_url`: where this server's public listener answers (the parents' pages); PUBLIC_BASE_URL else."""
    from azukari.registration.demo import DEMO_HOUSEHOLD_ID, DEMO_PIN, DEMO_WEB_PASSWORD, load_demo
    from azukari.staff.demo import add_demo_account, demo_login

    with runtime.database.unit_of_work() as session:
        summary = load_demo(session, today=tokyo_today(runtime.clock))
        if summary:  # only a database the demo has just filled gets the account with the published password
            add_demo_account(session, secret_key=runtime.settings.azukari_secret_key, now=runtime.clock.now())
        login = demo_login(session, console_url=console_url)
        session.commit()
    return [summary or "demo: the database already has data; nothing loaded",
            f"try the line: azukari call (household ID {DEMO_HOUSEHOLD_ID}, phone PIN {DEMO_PIN}), or azukari sms",
            f"parents' web pages: {(public_url or runtime.settings.public_base_url).rstrip('/')}/ "
            f"(sign in with household ID {DEMO_HOUSEHOLD_ID}, "
            f"web password {DEMO_WEB_PASSWORD}; the first sign-in asks for a new one)",
            *(login or ["no demo staff account in this database (only an empty one gets it); "
                        "make one with: azukari staff add NAME --role admin"])]


def console_url(host: str, port: int) -> str:
    return f"{public_url(host, port)}staff/"


def public_url(host: str, port: int) -> str:
    """Where a listener on host:port is opened from this machine (a wildcard host by loopback)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def sinks_texts(settings: Settings, *, demo: bool) -> bool:
    """`--demo` sends nothing to Twilio unless TWILIO_API_BASE_URL was set on purpose (a fake Twilio, say)."""
    return demo and "twilio_api_base_url" not in settings.model_fields_set


class _Listener(uvicorn.Server):
    # Signals are caught once for every listener (below), not by each: a second uvicorn server would
    # take the handlers from the first, and only one of them would hear SIGTERM.
    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class Listeners:
    """The public listener and, with a console port, the console's: started together, stopped together."""

    def __init__(self, app: FastAPI, *, host: str, port: int, console_port: int | None = None) -> None:
        app.state.console_port = console_port
        # Our handler, our format. No proxy headers: X-Forwarded-For is believed by TRUSTED_PROXIES
        # alone (staff/signin/client_address.py), not by uvicorn's own rule for loopback peers.
        common = {"log_level": "info", "access_log": False, "log_config": None, "proxy_headers": False}
        self.servers = [_Listener(uvicorn.Config(app, host=host, port=port, **common))]  # type: ignore[arg-type]
        if console_port is not None:
            self.servers.append(_Listener(uvicorn.Config(app, host=host, port=console_port, lifespan="off",
                                                         **common)))  # type: ignore[arg-type]

    def run(self) -> None:
        """Serve until `stop()`, SIGTERM or SIGINT (a second SIGINT stops without waiting for requests)."""
        with self._stopped_by_signals():
            asyncio.run(self._serve_all())

    def stop(self, *, force: bool = False) -> None:
        for server in self.servers:
            server.force_exit = server.force_exit or (force and server.should_exit)
            server.should_exit = True

    async def _serve_all(self) -> None:
        tasks = [asyncio.create_task(server.serve()) for server in self.servers]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        self.stop()  # one listener ended (it could not bind, say): the other goes with it
        await asyncio.gather(*tasks)

    def _stopped_by_signals(self) -> AbstractContextManager[None]:
        # From a test's thread nothing is installed: the test calls stop().
        return stop_signals_to(lambda signum: self.stop(force=signum == signal.SIGINT))


def prepare(settings: Settings, *, demo: bool, console: str = "http://127.0.0.1:8000/staff/",
            public: str | None = None) -> Runtime:
    """The runtime `serve` runs on, migrated, with the demo loaded if asked: a sink for Twilio in a demo."""
    runtime = build(settings, demo_sink=sinks_texts(settings, demo=demo))
    try:
        migrate.upgrade(runtime.database.engine)
        if demo:
            # Printed, not logged: what a person trying the demo reads before the server's log starts.
            print("\n".join(load_demo_data(runtime, console_url=console, public_url=public)), flush=True)
    except BaseException:
        runtime.close()
        raise
    if runtime.sink is not None:
        log.info("demo: texts and calls go to a sink in this process, never to Twilio; they are listed at "
                 "/staff/demo/messages (set TWILIO_API_BASE_URL to send them somewhere)")
    elif settings.is_demo_credentials:
        log.warning("using the demo Twilio credentials: fine on a laptop, never in production")
    log.info("speech models: %s", speech_models_line(settings))
    # Before the port opens, so /healthz (and the first caller) find the dictionaries loaded.
    log.info("verification dictionaries loaded in %.1f s", warm_up())
    return runtime


def speech_models_line(settings: Settings) -> str:
    """Which `<Gather speechModel>` and language each caller's language is heard with (SPEECH_MODEL_*)."""
    models = tuple(settings.speech_models.items())
    return ", ".join(f"{language} {model} ({code})" for language in ("ja", "en", "zh", "ko")
                     for code, model in [speech_for(language, models)])


def serve(settings: Settings, *, host: str, port: int, demo: bool, console_port: int | None = None,
          listening: list[Listeners] | None = None) -> None:
    """Run the web service until interrupted; the outbox sender stops with it, finishing its message.

    `listening`, if given, receives the listeners once made (a test stops them from another thread).
    """
    logs.configure(settings)  # LOG_FORMAT: text, or one JSON object per line
    with prepare(settings, demo=demo, console=console_url(host, console_port or port),
                 public=public_url(host, port)) as runtime:
        background = start_background(runtime.outbox_sender(), settings.outbox_poll_seconds)
        stop_jobs = start_periodic(runtime)  # stale state, reminders, the daily erasure
        try:
            listeners = Listeners(app_for(runtime), host=host, port=port, console_port=console_port)
            if console_port is not None:
                log.info("staff console on port %d only; webhooks on port %d only", console_port, port)
            if listening is not None:
                listening.append(listeners)
            listeners.run()
        finally:
            stop_jobs.set()
            background.stop()
