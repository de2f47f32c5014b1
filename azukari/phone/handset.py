"""Twilio's side of a call or an SMS thread, played in a terminal: signed posts, TwiML followed."""
from __future__ import annotations

import itertools
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from twilio.request_validator import RequestValidator

# (path with query, form, headers) -> (HTTP status, body): an in-process app or a real server.
Send = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]
# Bounded loops: a service that redirects forever cannot hang the terminal.
MAX_TURNS = 500
_KEYPAD = "0123456789*#"
# Who the terminal texts from when --from is not given: a number that is on no file.
DEFAULT_SMS_SENDER = "+815012340001"
_sids = itertools.count(1)


def new_sid(prefix: str) -> str:
    return f"{prefix}{time.time_ns():x}{next(_sids):08x}"[:34].ljust(34, "0")


@dataclass(frozen=True)
class Posted:
    status: int
    body: str
    url: str  # absolute, as Twilio would have requested it: relative TwiML URLs resolve against it


class Wire:
    """Posts form data signed as Twilio signs it: the absolute URL Twilio would call, plus the form."""

    def __init__(self, *, base_url: str, auth_token: str, send: Send) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.validator = RequestValidator(auth_token)
        self.send = send
        self.refused: int | None = None  # the first HTTP error status the service answered, if any

    def post(self, target: str, params: dict[str, str], current: str | None = None) -> Posted:
        url = urljoin(current or self.base_url, target)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        signature = self.validator.compute_signature(url, params)
        status, body = self.send(path, params, {"X-Twilio-Signature": signature})
        if status >= 400 and self.refused is None:
            self.refused = status
        return Posted(status, body, url)


def read(prompt: str) -> str | None:
    """One line from the person (None at end of input); echoed when it comes from a script."""
    try:
        line = input(prompt)
    except EOFError:
        print()
        return None
    if not sys.stdin.isatty():
        print(line)
    return line


def _document(posted: Posted) -> list[ET.Element] | None:
    if posted.status != 200:
        print(f"(the service answered HTTP {posted.status}: {posted.body[:200]})")
        return None
    try:
        root = ET.fromstring(posted.body)
    except ET.ParseError as error:
        print(f"(the service answered something that is not TwiML: {error})")
        return None
    return list(root)


def _say(verb: ET.Element) -> None:
    for say in verb.iter("Say"):
        print(f"🔊 {' '.join(''.join(say.itertext()).split())}")


def _listen(gather: ET.Element) -> dict[str, str] | None:
    """What the caller answers at a <Gather>: {} for silence, None when they hang up."""
    kinds = gather.get("input", "dtmf").split()
    prompt = "speech> " if kinds == ["speech"] else "digits> " if "speech" not in kinds else "digits/speech> "
    line = read(prompt)
    if line is None:
        return None
    typed = line.strip()
    if not typed:
        return {}
    if "speech" in kinds and ("dtmf" not in kinds or not all(ch in _KEYPAD for ch in typed)):
        return {"SpeechResult": typed, "Confidence": "0.9"}
    # A keypad sends only its keys; Twilio leaves out the finishing key and stops at numDigits.
    digits = "".join(ch for ch in typed if ch in _KEYPAD)
    finish = gather.get("finishOnKey", "#")
    if finish and digits.startswith(finish):
        return {"Digits": ""}  # the finishing key alone: Twilio posts the action with no digits
    if finish and finish in digits:
        digits = digits.split(finish, 1)[0]
    if (num := gather.get("numDigits", "")).isdigit():
        digits = digits[: int(num)]
    if not digits:
        print("(a keypad has only 0-9, * and #: that was silence)")
        return {}
    return {"Digits": digits}


def _next(wire: Wire, posted: Posted, base: dict[str, str], shown: Callable[[], None]) -> Posted | None:
    """Play one TwiML document; the next webhook's answer, or None when the call is over.

    `shown` runs once what was said is printed, before the caller answers (in-process, it prints
    the texts the turn queued for the number on file).
    """
    verbs = _document(posted)
    for verb in verbs or ():
        if verb.tag == "Say":
            _say(verb)
        elif verb.tag == "Play":
            print("🔊 (a recording)")
        elif verb.tag == "Gather":
            _say(verb)
            shown()
            answer = _listen(verb)
            if answer is None:
                print("(you hung up)")
                break
            if answer or verb.get("actionOnEmptyResult") == "true":
                return wire.post(verb.get("action") or posted.url, {**base, **answer}, posted.url)
            # Silence: Twilio goes on with the verbs after the <Gather>.
        elif verb.tag == "Redirect":
            return wire.post((verb.text or "").strip() or posted.url, base, posted.url)
        elif verb.tag == "Dial":
            numbers = [(n.text or "").strip() for n in verb.iter("Number")] or [(verb.text or "").strip()]
            print(f"→ transferred to staff {', '.join(numbers)}")
            break
        elif verb.tag in ("Hangup", "Reject"):
            break
    shown()
    return None


def play_call(wire: Wire, *, caller: str | None, to: str, account_sid: str,
              after_turn: Callable[[], None] = lambda: None) -> None:
    """One inbound call, from ringing to hang-up, as Twilio posts it."""
    base = {"CallSid": new_sid("CA"), "AccountSid": account_sid, "To": to, "Direction": "inbound",
            "CallStatus": "in-progress", "ApiVersion": "2010-04-01"}
    if caller is not None:  # a withheld number (184) reaches the service with no From at all
        base |= {"From": caller, "Caller": caller}
    posted: Posted | None = wire.post("/twilio/voice", {**base, "CallStatus": "ringing"})
    for _ in range(MAX_TURNS):
        if posted is None:
            break
        posted = _next(wire, posted, base, after_turn)
    print("(call ended)")
    wire.post("/twilio/voice/status", {**base, "CallStatus": "completed"})


def play_sms(wire: Wire, *, sender: str, to: str, account_sid: str,
             after_turn: Callable[[], None] = lambda: None) -> None:
    """An SMS thread: each line typed is one message; the service's <Message> bodies are printed."""
    for _ in range(MAX_TURNS):
        body = read("you> ")
        if body is None:
            break
        if not body.strip():
            continue
        sid = new_sid("SM")
        posted = wire.post("/twilio/sms", {
            "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": account_sid, "From": sender,
            "To": to, "Body": body, "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received",
            "ApiVersion": "2010-04-01"})
        for verb in _document(posted) or ():
            for message in verb.iter("Message"):
                text = "".join(message.itertext()).strip()
                print("bot> " + text.replace("\n", "\n     "))
        after_turn()
    print("(conversation closed)")
