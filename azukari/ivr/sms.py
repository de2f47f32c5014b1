"""A conversation reply as the text of one SMS, and that text as Messaging TwiML."""
from __future__ import annotations

import logging
import re

from twilio.twiml.messaging_response import MessagingResponse

from azukari.ivr.machine.replies import Line, Reply
from azukari.ivr.prompts import CATALOGUES, text

log = logging.getLogger(__name__)

# A booking number reaches the parent only in the outbox message to the number on file
# (contract §6). The state machine never puts one in a reply; this is the belt to its braces.
_BOOKING_NUMBER = re.compile(r"(予約番号|预约号|예약번호|[Bb]ooking (?:number|no\.?))(\s*[:：#]?\s*)[0-9]{6,8}")


def render_sms(reply: Reply) -> str:
    """The lines, then one option per line starting with its number, then the step's question."""
    language = reply.language

    def words(line: Line) -> str:
        return text(line, language=language, channel="sms")

    parts = [words(line) for line in reply.lines]
    parts += [f"{choice.number} {words(choice.line)}" for choice in reply.choices]
    if reply.ask is not None:
        key = reply.ask.question_key
        catalogue = CATALOGUES[language]
        # A step may have no question of its own (its options say it all).
        if key in catalogue or f"{key}@sms" in catalogue:
            parts.append(words(Line(key)))
    return _without_booking_numbers("\n".join(part for part in parts if part))


def _without_booking_numbers(body: str) -> str:
    cleaned, found = _BOOKING_NUMBER.subn(r"\1\2", body)
    if found:
        # Say only that it happened: the number itself must not reach a log either.
        log.error("a booking number was about to be texted into the conversation; removed")
    return cleaned


def sms_twiml(body: str) -> str:
    """Messaging TwiML answering with `body`, or with nothing when it is empty."""
    response = MessagingResponse()
    if body:
        response.message(body)
    return str(response)
