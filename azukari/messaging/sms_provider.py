"""The port the outbox sends texts through, and Twilio behind it (SMS_PROVIDER=twilio, the only one).

A second provider (a domestic carrier-direct gateway) would implement `SmsProvider`; none is built
yet because no gateway's documents could be read in full (docs/settings.md, SMS_PROVIDER).
"""
from __future__ import annotations

import datetime as dt
from typing import Protocol

from twilio.rest import Client

from azukari.settings import Settings

# How many of the number's latest messages a lookup reads: a family gets a few texts a week.
LOOKUP_PAGE = 50
# Our clock and the provider's may disagree a little: a copy created this much before the row still counts.
CLOCK_SLACK = dt.timedelta(minutes=5)


class SmsProvider(Protocol):
    """What the outbox sender needs of an SMS gateway."""

    def send(self, *, to: str, body: str, status_callback: str) -> str:
        """Hand one text over; the provider's id for it. Raises if it was not accepted."""

    def find_sent(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        """The id of a text with this body to this number created since `since`, if the provider holds one."""


class TwilioSms:
    """Twilio's Messages API through its SDK: the default provider."""

    def __init__(self, client: Client, settings: Settings) -> None:
        self._client = client
        self._sender = ({"messaging_service_sid": settings.twilio_from} if settings.uses_messaging_service
                        else {"from_": settings.twilio_from})

    def send(self, *, to: str, body: str, status_callback: str) -> str:
        message = self._client.messages.create(to=to, body=body, status_callback=status_callback, **self._sender)
        return str(message.sid)

    def find_sent(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        # Read by `To` alone, newest first. `DateSent` would miss the very copy we look for: a message
        # still queued at Twilio has no date_sent yet. `From` would miss it under a Messaging Service,
        # which picks the sender itself. The body names its booking, so body + creation time is the match.
        for message in self._client.messages.list(to=to, limit=LOOKUP_PAGE, page_size=LOOKUP_PAGE):
            created = message.date_created
            if message.body == body and (created is None or created >= since - CLOCK_SLACK):
                return str(message.sid)
        return None


def make_sms_provider(settings: Settings, client: Client) -> SmsProvider:
    """The provider SMS_PROVIDER names (only `twilio` is accepted)."""
    return TwilioSms(client, settings)
