"""The erasure jobs that serve and worker run beside the others: the daily run, and deletions at Twilio."""
from __future__ import annotations

from collections.abc import Callable

from twilio.rest import Client

from azukari.clock import Clock
from azukari.db import Database
from azukari.erasure import daily
from azukari.messaging.provider_deletions import ProviderEraser
from azukari.settings import Settings


def erasure_tasks(*, database: Database, clock: Clock, settings: Settings,
                  client: Client) -> list[tuple[str, Callable[[], object]]]:
    eraser = ProviderEraser(database=database, client=client, clock=clock)
    return [("daily erasure", lambda: daily.run_if_due(database, clock, secret_key=settings.azukari_secret_key)),
            ("deletions at Twilio", eraser.delete_due)]
