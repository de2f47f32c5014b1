"""Twilio's SDK over httpx, pointed at TWILIO_API_BASE_URL, and what its failures mean for a retry."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from azukari.settings import Settings

_TWILIO_API = "https://api.twilio.com"
# Twilio answers a message create in well under a second; past 5 s the send is retried later
# (after a look at Twilio for the copy it may have made) rather than keeping a parent waiting:
# with 2 % of requests hanging, a confirmation's p99 stays under 10 s (docs/benchmarks.md, "Outbox").
REQUEST_TIMEOUT = httpx.Timeout(5.0, connect=3.0)
# Statuses that say nothing about the message itself: Twilio overloaded or rate limiting (429,
# 5xx), a timed-out request (408), or the account's credentials (401/403), which an operator
# can fix while the message waits. Every other 4xx is about this message and will not change.
_TRANSIENT_STATUSES = frozenset({401, 403, 408, 429})

_logger = logging.getLogger("azukari.twilio")


class HttpxTwilioClient(HttpClient):  # type: ignore[misc]
    """The SDK's transport, on httpx, with the API host rewritten to the configured base URL."""

    def __init__(self, *, base_url: str = _TWILIO_API, timeout: httpx.Timeout = REQUEST_TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(_logger, False, timeout.read)
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(timeout=timeout, transport=transport)

    def request(self, method: str, uri: str, params: dict[str, object] | None = None,
                data: dict[str, object] | None = None, headers: dict[str, str] | None = None,
                auth: tuple[str, str] | None = None, timeout: float | None = None,
                allow_redirects: bool = False) -> Response:
        # No request logging: the form carries the parent's number and the message body.
        url = self._rebase(uri)
        as_json = bool(headers) and (headers or {}).get("Content-Type", "").endswith("json")
        response = self._http.request(
            method.upper(), url, params=params,  # type: ignore[arg-type]
            data=None if as_json else data, json=data if as_json else None,
            headers=headers, auth=auth, follow_redirects=allow_redirects,
            timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout)
        return Response(response.status_code, response.text, response.headers)

    def _rebase(self, uri: str) -> str:
        if uri.startswith(_TWILIO_API):
            return self.base_url + uri[len(_TWILIO_API):]
        return uri

    def close(self) -> None:
        self._http.close()


def make_twilio_client(settings: Settings, http_client: HttpClient | None = None) -> Client:
    """The SDK client the outbox sends through; built by the composition root, never at import."""
    transport = http_client or HttpxTwilioClient(base_url=settings.twilio_api_base_url)
    return Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=transport)


@dataclass(frozen=True)
class SendFailure:
    """Why a send did not go through, in words safe to store: a code, never the request."""

    transient: bool
    error: str        # e.g. "twilio 21614 (http 400)", "network ConnectTimeout"
    code: str | None  # Twilio's error code, when it gave one
    # The request may have reached Twilio and made the message (a timed-out answer, a dropped
    # connection): it is looked up there before it is sent again.
    maybe_sent: bool = False


def classify(error: Exception) -> SendFailure:
    """Network trouble, 429 and 5xx are worth retrying; a 4xx about the message is not."""
    if isinstance(error, TwilioRestException | TwilioServiceException):
        status = int(error.status)
        code = str(error.code) if error.code is not None else None
        transient = status >= 500 or status in _TRANSIENT_STATUSES
        return SendFailure(transient, f"twilio {code or '-'} (http {status})", code)
    if isinstance(error, httpx.TransportError):
        # Only a connection never made is sure to have sent nothing.
        never_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
        return SendFailure(True, f"network {type(error).__name__}", None, maybe_sent=not never_sent)
    # Anything else (a garbled answer, a bug) is retried: giving up would lose the message,
    # and the attempt limit still brings it to staff in the end.
    return SendFailure(True, f"unexpected {type(error).__name__}", None, maybe_sent=True)
