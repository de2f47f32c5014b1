"""Twilio's request signature, checked on every webhook against PUBLIC_BASE_URL; fails closed with 403."""
from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER, RequestValidator, get_signature_algorithm

log = logging.getLogger("azukari.webhooks")

MAX_BODY_BYTES = 1024 * 1024
_URLENCODED = "application/x-www-form-urlencoded"  # Twilio posts a few kB; 10 kB of Japanese speech is ~90 kB encoded


def signed_url(public_base_url: str, request: Request) -> str:
    """The URL Twilio requested, as it signed it: our public base, not the Host a proxy passed on."""
    query = request.url.query
    return f"{public_base_url}{request.url.path}" + (f"?{query}" if query else "")


async def twilio_form(request: Request) -> dict[str, str]:
    """The form fields of a request Twilio signed; anything else is refused before it is read further."""
    settings = request.app.state.runtime.settings
    signature = request.headers.get("X-Twilio-Signature", "")
    length = request.headers.get("content-length", "0")
    if not signature or not length.isdigit() or int(length) > MAX_BODY_BYTES:
        raise HTTPException(status_code=403, detail="forbidden")
    try:
        fields = await _fields(request)
    except HTTPException:
        raise  # past the body limit: 413
    except Exception as error:  # an unparseable body cannot carry a valid signature
        raise HTTPException(status_code=403, detail="forbidden") from error
    if not is_signed(settings.webhook_tokens, signed_url(settings.public_base_url, request), fields, signature,
                     request.headers.get(SIGNATURE_SETTINGS_HEADER, "")):
        log.warning("refused a webhook with a bad signature on %s", request.url.path)
        raise HTTPException(status_code=403, detail="forbidden")
    # Checked as signed; stored without NULs, which PostgreSQL refuses in text (a 500, not TwiML).
    return {key: value.replace("\x00", "") for key, value in fields.items()}


def is_signed(tokens: tuple[str, ...], url: str, fields: ImmutableMultiDict[str, str], signature: str,
              signature_settings: str = "") -> bool:
    """Signed with any of the tokens (TWILIO_AUTH_TOKEN, then TWILIO_AUTH_TOKEN_SECONDARY during a rotation).

    The classic scheme is HMAC-SHA1 of URL + sorted form fields. A Webhooks Rule with a SharedKey signs the
    same string with the algorithm its `X-Twilio-Webhooks-Signature-Settings` header names (HMAC_SHA256 in
    twilio-python 9.13): that key's secret goes in TWILIO_AUTH_TOKEN_SECONDARY. An algorithm the SDK does not
    know is refused. Our webhooks are form posts, so the JSON `bodySHA256` variant never applies.
    """
    algorithm = get_signature_algorithm(signature_settings)
    return any(RequestValidator(token).validate(url, fields, signature, algorithm=algorithm)
               for token in tokens if token)


async def _fields(request: Request) -> ImmutableMultiDict[str, str]:
    """Every field as posted, repeated keys included (the validator signs each value of a key)."""
    if request.headers.get("content-type", "").split(";", 1)[0].strip().lower() == _URLENCODED:
        # What Twilio always posts: parsed by the standard library in a tenth of the time Starlette's
        # streaming form parser takes, as it decodes it (+ and %XX as UTF-8, blank values kept).
        body = (await request.body()).decode("latin-1")
        return ImmutableMultiDict(parse_qsl(body, keep_blank_values=True, encoding="utf-8", errors="replace"))
    form = await request.form()
    return ImmutableMultiDict([(key, value) for key, value in form.multi_items() if isinstance(value, str)])


TwilioForm = Annotated[dict[str, str], Depends(twilio_form)]
