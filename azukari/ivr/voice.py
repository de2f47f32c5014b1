"""A conversation reply as voice TwiML: what is said, the <Gather> that asks, transfers and hang-ups."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from twilio.twiml.voice_response import Gather, VoiceResponse

from azukari.ivr.machine.replies import LANGUAGE_KEYS, Ask, Line, Reply
from azukari.ivr.prompts import CATALOGUES, text
from azukari.language import Language
from azukari.settings import DEFAULT_SPEECH_MODELS

# Twilio <Say> language and Amazon Polly voice per language. Mizuki reads Japanese well; Zhiyu is
# Polly's Mandarin voice (cmn-CN), Seoyeon its Korean one (ko-KR).
_SPEAK = {"ja": ("ja-JP", "Polly.Mizuki"), "en": ("en-US", "Polly.Joanna"), "zh": ("cmn-CN", "Polly.Zhiyu"),
          "ko": ("ko-KR", "Polly.Seoyeon")}
# What speech is recognised as (Google's BCP-47 codes, which <Gather language> takes): Mandarin in
# simplified characters is cmn-Hans-CN, the form identity/hanzi.py compares in any of its scripts.
_HEAR = {"ja": "ja-JP", "en": "en-US", "zh": "cmn-Hans-CN", "ko": "ko-KR"}
# A registered address is matched in Japanese script or romaji only (docs/benchmarks.md): Chinese and
# Korean callers are asked to say it in Japanese, and it is heard as Japanese.
_HEARD_IN_JAPANESE = frozenset({("zh", "address"), ("ko", "address")})
# Twilio's `speechModel` per language: SPEECH_MODEL_JA … _ZH (settings.py, docs/twilio.md cites the pages).
SPEECH_MODEL = DEFAULT_SPEECH_MODELS["ja"]
# Deepgram takes its own language codes (zh-CN), which Twilio passes through unchanged; Google takes cmn-Hans-CN.
_HEAR_DEEPGRAM = {"zh": "zh-CN"}
SPEECH_TIMEOUT = 2    # seconds of quiet that end an answer; a named model needs an integer (never `auto`)
INPUT_TIMEOUT = 6     # seconds to wait for a first key or word before the silence redirect
# A date is MMDD or YYYYMMDD with no #: <Gather numDigits=8> ends at the eighth key, and Twilio's
# `timeout` is also the wait between keys, so four keys then this pause end it too.
DATE_TIMEOUT = 4
SLOW = 2              # "slower, please" (#): every wait is this many times longer for the rest of the call
SLOW_RATE = "75%"     # SSML prosody rate of a slowed call (Polly reads 20-200 %)
DIAL_TIMEOUT = 20     # seconds staff phones ring before the caller is offered a call back


@dataclass(frozen=True)
class CallContext:
    """What rendering needs beyond the reply: where Twilio should post, and who to dial."""

    base_url: str      # PUBLIC_BASE_URL: every action is absolute, so it is signed as it is posted
    turn: int
    staff_number: str  # "" when there is no live transfer
    bot_number: str | None  # the `To` of this call: the caller ID staff see on a transfer
    speech_models: tuple[tuple[str, str], ...] = tuple(DEFAULT_SPEECH_MODELS.items())  # (language, model)


def speech_for(language: str, models: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """The `language` and `speechModel` a <Gather> hears `language` with."""
    model = dict(models).get(language, DEFAULT_SPEECH_MODELS.get(language, SPEECH_MODEL))
    if model.startswith("deepgram_") and language in _HEAR_DEEPGRAM:
        return _HEAR_DEEPGRAM[language], model
    return _HEAR[language], model


def said(reply: Reply) -> list[str]:
    """Everything the reply says, in order: lines, the question, then 'N for …' per choice."""
    language = reply.language

    def words(line: Line) -> str:
        return text(line, language=language, channel="voice")

    out = [words(line) for line in reply.lines]
    if reply.ask is not None and reply.ask.question_key in CATALOGUES[language]:
        out.append(words(Line(reply.ask.question_key)))
    out += [words(Line("press", {"label": words(choice.line), "number": keys_words(choice.number, language)}))
            for choice in reply.choices]
    return [s for s in out if s]


def keys_words(number: str, language: Language) -> str:
    """Keys to press, read as keys: a waiting-list code 21 is "2、1" ("2, 1"), never twenty-one."""
    return ("、" if language in ("ja", "zh") else ", ").join(number) if len(number) > 1 else number


def _say_all(target: VoiceResponse | Gather, sentences: list[str], language: Language, *, slow: bool = False) -> None:
    code, voice = _SPEAK[language]
    for sentence in sentences:
        if slow:
            target.say(language=code, voice=voice).prosody(sentence, rate=SLOW_RATE)
        else:
            target.say(sentence, language=code, voice=voice)


def _gather(response: VoiceResponse, ask: Ask, reply: Reply, action: str,
            models: tuple[tuple[str, str], ...]) -> Gather:
    factor = SLOW if reply.slow else 1
    wait = DATE_TIMEOUT if ask.step == "date" else INPUT_TIMEOUT
    # Prompts are nested in the <Gather>, so a key or a word interrupts them (barge-in).
    options: dict[str, object] = {"action": action, "method": "POST", "timeout": wait * factor}
    # Keys are always heard, even where words are asked for: 0, * and # work at every step.
    options["input"] = "dtmf speech" if ask.input != "dtmf" else "dtmf"
    if ask.input != "dtmf":
        heard = "ja" if (reply.language, ask.step) in _HEARD_IN_JAPANESE else reply.language
        code, model = speech_for(heard, models)
        options.update(language=code, speech_model=model,
                       speech_timeout=SPEECH_TIMEOUT * factor, profanity_filter=False, action_on_empty_result=False)
        if ask.hints:
            options["hints"] = ",".join(ask.hints)
    if ask.num_digits is not None:
        options["num_digits"] = ask.num_digits
    # Where the length is known no key ends the answer, so # is a key like any other: alone, it is
    # "slower, please" (with finishOnKey="#" a lone # may reach us as an empty answer).
    options["finish_on_key"] = ask.finish_on_key if ask.finish_on_key is not None else ""
    return response.gather(**options)


# Rendered replies by (reply, context but the turn): most webhooks of a rush say what the one before
# said to another caller, and Twilio's TwiML builder (ElementTree) costs a few tenths of a millisecond.
# Replies hold prompts, facilities, dates and fees, never what a caller said (receipts store the same).
_RENDERED: dict[tuple[str, str, str, str | None, str], str] = {}
_RENDERED_MAX = 2048
_TURN = -7_392_461  # a turn no call reaches: rendered into the template, then replaced by the real one


def render_voice(reply: Reply, context: CallContext) -> str:
    key = (repr(reply), context.base_url, context.staff_number, context.bot_number, repr(context.speech_models))
    template = _RENDERED.get(key)
    if template is None:
        template = _render(reply, dataclasses.replace(context, turn=_TURN))
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = template
    return template.replace(f"?t={_TURN}", f"?t={context.turn}")


def _render(reply: Reply, context: CallContext) -> str:
    response = VoiceResponse()
    sentences = said(reply)
    if reply.ask is not None:
        step = reply.ask.step
        action = f"{context.base_url}/twilio/voice/{step}?t={context.turn}"
        with _gather(response, reply.ask, reply, action, context.speech_models) as gather:
            _say_all(gather, sentences, reply.language, slow=reply.slow)
            if step == "language":
                # One short line per language, each in its own language and voice (§5.1), after the
                # Japanese greeting: a Japanese caller can press 1 at once, as the prompts are in the <Gather>.
                for language in LANGUAGE_KEYS.values():
                    _say_all(gather, [text(Line("language.self"), language=language, channel="voice")], language,
                             slow=reply.slow)
        # Silence falls through the <Gather>: come back to the same step, marked, to re-ask.
        response.redirect(f"{action}&silence=1", method="POST")
    elif reply.transfer and context.staff_number:
        _say_all(response, sentences, reply.language, slow=reply.slow)
        dial = response.dial(answer_on_bridge=True, caller_id=context.bot_number or None, timeout=DIAL_TIMEOUT,
                             action=f"{context.base_url}/twilio/voice/transfer_done", method="POST")
        # The whisper makes staff press 1 first, so a voicemail box never takes the call.
        dial.number(context.staff_number, url=f"{context.base_url}/twilio/voice/whisper", method="POST")
    else:
        _say_all(response, sentences, reply.language, slow=reply.slow)
        response.hangup()
    return str(response)


def whisper(base_url: str) -> str:
    """Said to the staff member who answers; only a key press connects the caller."""
    response = VoiceResponse()
    with response.gather(input="dtmf", num_digits=1, timeout=8, method="POST",
                         action=f"{base_url}/twilio/voice/whisper_accept") as gather:
        _say_all(gather, [text(Line("whisper"), language="ja", channel="voice")] * 2, "ja")
    response.hangup()
    return str(response)


def bridge() -> str:
    """An empty document: staff accepted, Twilio connects the two legs."""
    return str(VoiceResponse())


def hang_up(*lines: Line, language: Language = "ja") -> str:
    response = VoiceResponse()
    _say_all(response, [text(line, language=language, channel="voice") for line in lines], language)
    response.hangup()
    return str(response)


def busy_line(action: str) -> str:
    """A new call while the line is overloaded: in Japanese then English, `1` for a call back, then goodbye."""
    response = VoiceResponse()
    with response.gather(num_digits=1, action=action, method="POST", timeout=5) as gather:
        _say_all(gather, [text(Line("busy.offer"), language="ja", channel="voice")], "ja")
        _say_all(gather, [text(Line("busy.offer"), language="en", channel="voice")], "en")
    _say_all(response, [text(Line("busy.goodbye"), language="ja", channel="voice")], "ja")
    response.hangup()
    return str(response)
