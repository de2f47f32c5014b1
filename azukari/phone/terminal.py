"""`azukari call` and `azukari sms`: a phone in the terminal, against a server or an in-process app."""
from __future__ import annotations

import os
import tomllib
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import func, select

from azukari.clock import tokyo_today
from azukari.command_error import CommandError
from azukari.db import Database
from azukari.households.phone import to_e164
from azukari.messaging.models import OutboxMessage
from azukari.phone.handset import DEFAULT_SMS_SENDER, Wire, play_call, play_sms
from azukari.settings import Settings

# The bot's number when TWILIO_FROM is a Messaging Service SID, which cannot be a call's `To`.
DEFAULT_BOT_NUMBER = "+815012340000"

_Service = tuple[Wire, Callable[[], None]]

NOT_A_DEMO = ("the database at DATABASE_URL was not made as a demo, and the in-process phone adds demo "
              "households only to a new database or one made by `azukari serve --demo`: unset DATABASE_URL "
              "(the demo keeps its own), point it at a new SQLite file, or call a running service with --url")


def run_call(settings: Settings, *, caller: str | None, url: str | None) -> None:
    """One call: prompts are printed, digits and speech typed; Ctrl-D (end of input) hangs up."""
    with _service(settings, url) as (wire, show_outbox):
        play_call(wire, caller=_number(caller), to=_bot_number(settings),
                  account_sid=settings.twilio_account_sid, after_turn=show_outbox)
    _check_answered(wire)


def _check_answered(wire: Wire) -> None:
    """A non-zero exit when the service refused a webhook: after a 403 nothing of the call was heard."""
    if wire.refused == 403:
        raise CommandError(
            f"the service refused the webhooks' signature (HTTP 403): they were signed for {wire.base_url} with this "
            "TWILIO_AUTH_TOKEN, so the service's PUBLIC_BASE_URL must be that URL and its token the same (a "
            "service started with `azukari serve --port P` needs PUBLIC_BASE_URL=http://127.0.0.1:P)")
    if wire.refused is not None:
        raise CommandError(f"the service answered HTTP {wire.refused}")


def run_sms(settings: Settings, *, sender: str | None, url: str | None) -> None:
    """One SMS thread: every line typed is a message from `sender`; Ctrl-D ends it."""
    from_number = _number(sender) or DEFAULT_SMS_SENDER
    print(f"(texting from {from_number}; end with Ctrl-D)")
    with _service(settings, url) as (wire, show_outbox):
        play_sms(wire, sender=from_number, to=_bot_number(settings),
                 account_sid=settings.twilio_account_sid, after_turn=show_outbox)
    _check_answered(wire)


def _number(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return to_e164(raw)
    except ValueError:
        return raw  # "anonymous" and other odd caller IDs go through as Twilio would send them


def _bot_number(settings: Settings) -> str:
    return DEFAULT_BOT_NUMBER if settings.uses_messaging_service else settings.twilio_from


def in_project(directory: Path) -> bool:
    """`directory` is an azukari checkout (its pyproject.toml names the project), where ./var belongs."""
    try:
        project = tomllib.loads((directory / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return False
    return isinstance(project, dict) and project.get("name") == "azukari"


def demo_cache_path() -> Path:
    """Where the in-process phone keeps its demo outside the project: the user's cache (XDG), not the cwd."""
    cache = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache") / "azukari" / "demo.db"


def in_process_settings(settings: Settings, *, cwd: Path | None = None) -> Settings:
    """DATABASE_URL when it was set; else ./var/azukari.db inside the project and the user's cache elsewhere.

    The contract's default, an SQLite file under ./var, is right for a service started in its own
    directory; a person trying the phone from anywhere else must not find a ./var left behind.
    """
    if "database_url" in settings.model_fields_set or in_project(cwd or Path.cwd()):
        return settings
    return settings.model_copy(update={"database_url": f"sqlite:///{demo_cache_path()}"})


@contextmanager
def _service(settings: Settings, url: str | None) -> Iterator[_Service]:
    if url is None:
        with _in_process(in_process_settings(settings)) as service:
            yield service
        return
    with httpx.Client(base_url=url.rstrip("/"), timeout=20.0) as client:
        def send(path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
            response = client.post(path, data=form, headers=headers)
            return response.status_code, response.text

        # Against a server its outbox sender sends the texts; there is nothing to show here.
        yield Wire(base_url=url, auth_token=settings.twilio_auth_token, send=send), lambda: None


@contextmanager
def _in_process(settings: Settings) -> Iterator[_Service]:
    # Imported here: `azukari call --url` needs neither the app nor its dependencies loaded.
    with warnings.catch_warnings():
        # Starlette warns about its httpx-based test client on import; a person at the terminal
        # cannot act on that, so it is not printed under their conversation.
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from azukari import migrate
    from azukari.app import app_for
    from azukari.registration.demo import load_demo, what_database
    from azukari.runtime import build

    with build(settings) as runtime:
        database = runtime.database
        if what_database(database.engine) == "other":
            # Checked before migrating: a refused database is left exactly as it was.
            raise CommandError(NOT_A_DEMO)
        migrate.upgrade(database.engine)
        with database.unit_of_work() as session:
            summary = load_demo(session, today=tokyo_today(runtime.clock))
            session.commit()
        if summary:
            print(f"({summary})")
        show_outbox = _outbox_printer(database)
        with TestClient(app_for(runtime), base_url=settings.public_base_url) as client:
            def send(path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
                response = client.post(path, data=form, headers=headers)
                return response.status_code, response.text

            yield Wire(base_url=settings.public_base_url, auth_token=settings.twilio_auth_token, send=send), \
                show_outbox


def _outbox_printer(database: Database) -> Callable[[], None]:
    """Prints each text queued since the terminal started; all go to a number on file, never the caller."""
    with database.unit_of_work() as session:
        seen = session.scalar(select(func.max(OutboxMessage.id))) or 0

    def show() -> None:
        nonlocal seen
        with database.unit_of_work() as session:
            messages = session.scalars(select(OutboxMessage).where(OutboxMessage.id > seen)
                                       .order_by(OutboxMessage.id)).all()
            for message in messages:
                print(f"(SMS to the number on file: {' / '.join(message.body.splitlines())})")
                seen = message.id

    return show
