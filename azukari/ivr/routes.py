"""The Twilio webhooks (contract §5): signed form in, typed at the edge, one service call, TwiML out."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from azukari.ivr import service
from azukari.ivr.debugger import debugger_event
from azukari.ivr.overload import refuse_new_call_when_busy
from azukari.ivr.security import TwilioForm
from azukari.ivr.sms import sms_twiml
from azukari.ivr.voice import bridge, whisper
from azukari.runtime import RuntimeDep

router = APIRouter(prefix="/twilio")
# A call's webhooks run in at most this many worker threads at once; the others wait their turn on the
# event loop. They hold the GIL nearly all the time, so more threads add no throughput: they only take
# the GIL from a thread that holds a row lock (a unit-day's counter, the audit chain) between two of its
# statements, and every booking waits behind it. 4 rather than Starlette's 40 took the p99 of a
# 16-caller rush on PostgreSQL from 6x to 3.5-4.5x the bare endpoint's, at the same throughput
# (docs/benchmarks.md, "Calls").
WEBHOOK_THREADS = 4
_THREADS = "azukari.webhook_threads"


class _TwilioForm(BaseModel):
    # Twilio adds parameters over time: never forbid extras. Every field is optional text, so a
    # malformed request is still parsed and gets a polite TwiML answer, never a 422.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class VoiceForm(_TwilioForm):
    call_sid: str = Field("", alias="CallSid")
    parent_call_sid: str = Field("", alias="ParentCallSid")
    from_: str | None = Field(None, alias="From")
    to: str | None = Field(None, alias="To")
    digits: str | None = Field(None, alias="Digits")
    speech: str | None = Field(None, alias="SpeechResult")
    call_status: str = Field("", alias="CallStatus")


class SmsForm(_TwilioForm):
    message_sid: str = Field("", alias="MessageSid")
    from_: str | None = Field(None, alias="From")
    body: str | None = Field(None, alias="Body")
    message_status: str = Field("", alias="MessageStatus")
    error_code: str | None = Field(None, alias="ErrorCode")


def _xml(body: str) -> Response:
    return Response(content=body, media_type="text/xml")


async def _answered(request: Request, work: Callable[[], str]) -> Response:
    """The TwiML `work` returns, worked out in one of the app's webhook threads."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, _THREADS, None)
    if limiter is None:  # one per app, made on the event loop that serves it
        limiter = anyio.CapacityLimiter(WEBHOOK_THREADS)
        setattr(request.app.state, _THREADS, limiter)
    return _xml(await anyio.to_thread.run_sync(work, limiter=limiter))


def _call(form: VoiceForm) -> service.CallInput:
    return service.CallInput(call_sid=form.call_sid, caller=form.from_, bot_number=form.to, digits=form.digits,
                             speech=form.speech)


@router.post("/voice")
async def incoming_call(request: Request, runtime: RuntimeDep, fields: TwilioForm,
                        _line: Annotated[None, Depends(refuse_new_call_when_busy)]) -> Response:
    form = VoiceForm.model_validate(fields)
    return await _answered(request, lambda: service.answer_call(runtime, step=None, turn="", silence=False,
                                                                 call=_call(form)))


@router.post("/voice/status")
def call_status(runtime: RuntimeDep, request: Request, fields: TwilioForm) -> Response:
    form = VoiceForm.model_validate(fields)
    service.call_status(runtime, call_sid=form.call_sid, status=form.call_status,
                        outbox_id=request.query_params.get("m", ""))
    return _xml(bridge())


@router.post("/voice/whisper")
def staff_whisper(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    return _xml(whisper(runtime.settings.public_base_url))


@router.post("/voice/whisper_accept")
def staff_accepts(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = VoiceForm.model_validate(fields)
    return _xml(service.staff_answered(runtime, parent_call_sid=form.parent_call_sid, digits=form.digits))


@router.post("/voice/transfer_done")
def transfer_done(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = VoiceForm.model_validate(fields)
    return _xml(service.transfer_over(runtime, call_sid=form.call_sid, caller=form.from_))


@router.post("/voice/busy_callback")
def busy_callback(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    """`1` after the busy message: a call-back case for staff with the calling number, nothing verified."""
    form = VoiceForm.model_validate(fields)
    return _xml(service.busy_callback(runtime, caller=form.from_, digits=form.digits, call_sid=form.call_sid))


@router.post("/voice/outbound")
def outbound_message(runtime: RuntimeDep, request: Request, fields: TwilioForm) -> Response:
    """A call reading a message to a number on file that cannot take SMS (contract §6)."""
    form = VoiceForm.model_validate(fields)
    return _xml(service.outbound_message(runtime, outbox_id=request.query_params.get("m", ""),
                                         digits=form.digits, call_sid=form.call_sid or ""))


@router.post("/debugger")
def debugger(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    """The account's Debugger webhook (Console → Monitor → Debugger → Webhook; docs/twilio.md)."""
    debugger_event(runtime, fields)
    return Response(status_code=204)


@router.post("/voice/{step}")
async def gathered(step: str, request: Request, runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = VoiceForm.model_validate(fields)
    turn = request.query_params.get("t", "")
    silence = request.query_params.get("silence") == "1"
    # No step is longer than the receipts' column (30): a longer path is simply not ours, answered
    # like any out-of-turn request; a NUL (which PostgreSQL refuses in text) never reaches a query.
    step = step.replace("\x00", "")[:30]
    return await _answered(request, lambda: service.answer_call(
        runtime, step=step, turn=turn.replace("\x00", "")[:12], silence=silence, call=_call(form)))


@router.post("/sms")
def incoming_text(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = SmsForm.model_validate(fields)
    return _xml(service.answer_text(runtime, message_sid=form.message_sid, sender=form.from_,
                                    body=form.body))


@router.post("/sms/status")
def message_status(runtime: RuntimeDep, request: Request, fields: TwilioForm) -> Response:
    form = SmsForm.model_validate(fields)
    service.message_status(runtime, message_sid=form.message_sid, status=form.message_status,
                           error_code=form.error_code, outbox_id=request.query_params.get("m", ""))
    return _xml(sms_twiml(""))
