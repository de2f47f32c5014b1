"""The Twilio webhooks (contract §5): signed form in, typed at the edge, one service call, TwiML out."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from azukari.ivr import service
from azukari.ivr.security import TwilioForm
from azukari.ivr.sms import sms_twiml
from azukari.ivr.voice import bridge, whisper
from azukari.runtime import RuntimeDep

router = APIRouter(prefix="/twilio")


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


def _call(form: VoiceForm) -> service.CallInput:
    return service.CallInput(call_sid=form.call_sid, caller=form.from_, bot_number=form.to, digits=form.digits,
                             speech=form.speech)


@router.post("/voice")
def incoming_call(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = VoiceForm.model_validate(fields)
    return _xml(service.answer_call(runtime, step=None, turn="", silence=False, call=_call(form)))


@router.post("/voice/status")
def call_status(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = VoiceForm.model_validate(fields)
    service.call_status(runtime, call_sid=form.call_sid, status=form.call_status)
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


@router.post("/voice/{step}")
def gathered(step: str, request: Request, runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = VoiceForm.model_validate(fields)
    turn = request.query_params.get("t", "")
    silence = request.query_params.get("silence") == "1"
    return _xml(service.answer_call(runtime, step=step[:40], turn=turn[:12], silence=silence,
                                    call=_call(form)))


@router.post("/sms")
def incoming_text(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = SmsForm.model_validate(fields)
    return _xml(service.answer_text(runtime, message_sid=form.message_sid, sender=form.from_,
                                    body=form.body))


@router.post("/sms/status")
def message_status(runtime: RuntimeDep, fields: TwilioForm) -> Response:
    form = SmsForm.model_validate(fields)
    service.message_status(runtime, message_sid=form.message_sid, status=form.message_status,
                           error_code=form.error_code)
    return _xml(sms_twiml(""))
