"""The bare endpoint bench/calls.py compares against: FastAPI + Twilio's SDK, static TwiML, nothing else.

    .venv/bin/python bench/bare_app.py --port 8001   # TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL from the environment

It does what every Twilio webhook must do and nothing an application adds: reads the form, checks
`X-Twilio-Signature` with `twilio.request_validator` against PUBLIC_BASE_URL (403 otherwise) and answers
a `<Gather>` built with `VoiceResponse`. Served by uvicorn with the settings `azukari serve` uses.
"""
from __future__ import annotations

import argparse
import os

import uvicorn
from fastapi import FastAPI, HTTPException, Request, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse


def build(token: str, base_url: str) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    validator = RequestValidator(token)

    @app.post("/twilio/voice")
    @app.post("/twilio/voice/{step}")
    async def voice(request: Request) -> Response:
        form = await request.form()
        query = request.url.query
        url = f"{base_url}{request.url.path}" + (f"?{query}" if query else "")
        if not validator.validate(url, dict(form), request.headers.get("X-Twilio-Signature", "")):
            raise HTTPException(status_code=403, detail="forbidden")
        response = VoiceResponse()
        with response.gather(action=f"{base_url}/twilio/voice/menu", method="POST", input="dtmf", num_digits=1,
                             timeout=6) as gather:
            gather.say("ご用件の番号を押してください。", language="ja-JP", voice="Polly.Mizuki")
        response.redirect(f"{base_url}/twilio/voice/menu?silence=1", method="POST")
        return Response(content=str(response), media_type="text/xml")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = build(os.environ["TWILIO_AUTH_TOKEN"], os.environ["PUBLIC_BASE_URL"])
    # As azukari.server.serve runs uvicorn: one process, its default loop and HTTP implementation.
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False, log_config=None)


if __name__ == "__main__":
    main()
