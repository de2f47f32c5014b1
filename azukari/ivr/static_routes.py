"""The static fallback TwiML, also served by the app: a bare TwiML endpoint on the same stack.

The number's fallback URL should point at a copy hosted elsewhere (docs/operations.md): when
this service is down, so is this route. Here it serves `bench/calls.py` as the baseline, and
lets an operator fetch the file the deployment ships. It changes nothing, so it needs no
signature, and it answers GET as well as POST (Twilio posts to a fallback URL).
"""
from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

FALLBACK_PATH = "/twilio/fallback.xml"


@cache
def fallback_twiml() -> bytes:
    return (resources.files("azukari.ivr") / "static" / "fallback.xml").read_bytes()


def build_router() -> APIRouter:
    router = APIRouter()

    @router.api_route(FALLBACK_PATH, methods=["GET", "POST"], include_in_schema=False)
    def fallback() -> Response:
        return Response(fallback_twiml(), media_type="text/xml")

    return router
