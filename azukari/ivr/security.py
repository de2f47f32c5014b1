"""Twilio's request signature, checked on every webhook against PUBLIC_BASE_URL; fails closed with 403."""
from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import RequestValidator

log = logging.getLogger("azukari.webhooks")

MAX_BODY_BYTES = 1024 * 1024  # Twilio posts a few kB; 10 kB of Japanese speech is ~90 kB encoded


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
        form = await request.form()
    except HTTPException:
        raise  # past the body limit: 413
    except Exception as error:  # an unparseable body cannot carry a valid signature
        raise HTTPException(status_code=403, detail="forbidden") from error
    # Every value counts, repeated keys included (the validator signs each value of a key).
    fields = ImmutableMultiDict([(key, value) for key, value in form.multi_items() if isinstance(value, str)])
    validator = RequestValidator(settings.twilio_auth_token)
    if not validator.validate(signed_url(settings.public_base_url, request), fields, signature):
        log.warning("refused a webhook with a bad signature on %s", request.url.path)
        raise HTTPException(status_code=403, detail="forbidden")
    # Checked as signed; stored without NULs, which PostgreSQL refuses in text (a 500, not TwiML).
    return {key: value.replace("\x00", "") for key, value in fields.items()}


TwilioForm = Annotated[dict[str, str], Depends(twilio_form)]
