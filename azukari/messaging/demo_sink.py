"""The demo's Twilio: an httpx transport that answers the sender's REST calls itself and reaches nobody.

`serve --demo` puts it under the one Twilio client (unless TWILIO_API_BASE_URL was set), so texts and
calls go through the real sender — claimed, "sent", recorded with a SID, audited — yet no request
leaves the process. What it was given stays in memory (the newest few hundred) for the console's
demo page; the log says only that a message went to the sink, its channel and its SID.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import threading
from collections import deque
from dataclasses import dataclass
from urllib.parse import parse_qs
from xml.etree import ElementTree

import httpx

from azukari.clock import Clock

_logger = logging.getLogger("azukari.demo_sink")
KEEP = 300
SINK_BASE_URL = "http://twilio.demo-sink.invalid"  # .invalid never resolves (RFC 6761)
_CREATE = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/(Messages|Calls)\.json$")
_ONE = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/(Messages|Calls)/((?:SM|MM|CA)\w+)\.json$")


@dataclass(frozen=True)
class SunkMessage:
    """One text or call the sink took instead of Twilio."""

    sid: str
    channel: str  # "sms" or "call"
    to: str
    body: str     # the text, or the words a call would have said
    at: dt.datetime


class DemoSink(httpx.BaseTransport):
    """Answers Messages.json and Calls.json as Twilio would (201 and a SID), and deletes; 404 for the rest."""

    def __init__(self, clock: Clock, *, keep: int = KEEP) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: deque[SunkMessage] = deque(maxlen=keep)

    def messages(self) -> list[SunkMessage]:
        """What the sink took, newest first."""
        with self._lock:
            return list(reversed(self._kept))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        created = _CREATE.match(path)
        if request.method == "POST" and created:
            return self._take(created.group(1), created.group(2), request)
        one = _ONE.match(path)
        if request.method == "DELETE" and one:
            with self._lock:  # Twilio's copy erased: the sink forgets it too
                kept = [m for m in self._kept if m.sid != one.group(3)]
                self._kept.clear()
                self._kept.extend(kept)
            return httpx.Response(204)
        return _error(404, 20404, "The requested resource was not found (demo sink)")

    def _take(self, account_sid: str, what: str, request: httpx.Request) -> httpx.Response:
        form = {key: values[0] for key, values in parse_qs(request.content.decode(), keep_blank_values=True).items()}
        channel = "sms" if what == "Messages" else "call"
        sid = ("SM" if channel == "sms" else "CA") + secrets.token_hex(16)
        body = form.get("Body", "") if channel == "sms" else _spoken(form.get("Twiml", ""))
        now = self._clock.now()
        with self._lock:
            self._kept.append(SunkMessage(sid, channel, form.get("To", ""), body, now))
        # Channel and SID only: the number and the words are the household's (shown on the console page).
        _logger.info("demo sink: %s %s kept here, not sent (see /staff/demo/messages)", channel, sid)
        stamp = now.strftime("%a, %d %b %Y %H:%M:%S +0000")
        payload = {"sid": sid, "account_sid": account_sid, "to": form.get("To", ""),
                   "from": form.get("From", ""), "status": "queued", "date_created": stamp,
                   "date_updated": stamp, "api_version": "2010-04-01"}
        if channel == "sms":
            payload.update(body=body, num_segments="1", direction="outbound-api")
        return httpx.Response(201, json=payload)


def _spoken(twiml: str) -> str:
    """The words of an inline TwiML announcement, as one line per <Say>."""
    try:
        root = ElementTree.fromstring(twiml)
    except ElementTree.ParseError:
        return twiml
    return "\n".join(" ".join("".join(say.itertext()).split()) for say in root.iter("Say"))


def _error(status: int, code: int, message: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps({"code": code, "message": message, "status": status}),
                          headers={"Content-Type": "application/json"})
