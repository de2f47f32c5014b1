"""A message read out by an outbound call, for a number on file that cannot take SMS (a landline, an IP phone).

The same text as the SMS, in the household's language, with the booking number read digit by
digit twice, and `1` to hear it all again. The language is the text's own: the outbox keeps the
text, and each language's texts are told apart by their script.
"""
from __future__ import annotations

import re
import unicodedata

from twilio.twiml.voice_response import VoiceResponse

from azukari.language import Language
from azukari.messaging.texts import offer_heading

_VOICES: dict[Language, tuple[str, str]] = {
    "ja": ("ja-JP", "Polly.Mizuki"), "en": ("en-US", "Polly.Joanna"),
    "zh": ("cmn-CN", "Polly.Zhiyu"), "ko": ("ko-KR", "Polly.Seoyeon"),
}
# What a call says around the text: one catalogue entry per language.
_PHRASES: dict[Language, dict[str, str]] = {
    "ja": {"opening": "こちらは一時預かりの予約窓口です。お知らせをお伝えします。",
           "number": "予約番号は、{digits}、です。繰り返します。{digits}、です。",
           "again": "もう一度お聞きになる場合は、1を押してください。", "closing": "お電話ありがとうございました。"},
    "en": {"opening": "This is the childcare booking line with a message for you.",
           "number": "Your booking number is {digits}. Again: {digits}.",
           "again": "To hear this again, press 1.", "closing": "Thank you. Goodbye."},
    "zh": {"opening": "这里是临时托育预约专线，有一条通知。",
           "number": "预约号是：{digits}。再说一遍：{digits}。",
           "again": "如需再听一遍，请按1。", "closing": "谢谢，再见。"},
    "ko": {"opening": "일시보육 예약 창구입니다. 안내 말씀 드립니다.",
           "number": "예약번호는 {digits}입니다. 다시 한 번, {digits}입니다.",
           "again": "다시 들으시려면 1번을 눌러 주세요.", "closing": "감사합니다. 안녕히 계세요."},
}
# A seat offer by call is taken there and then (contract §6): 1 takes it, 2 declines it, anything else repeats.
_OFFER_PHRASES: dict[Language, dict[str, str]] = {
    "ja": {"choice": ("この枠をご予約になる場合は1を、ご辞退の場合は2を押してください。"
                      "もう一度お聞きになる場合は、ほかのボタンを押してください。"),
           "taken": "ご予約を承りました。予約番号は、このあとのお電話でお伝えします。",
           "declined": "承知しました。この枠は、次にお待ちのかたへご案内します。",
           "gone": "申し訳ありません。この枠は、すでにお受けできなくなりました。"},
    "en": {"choice": "To book this seat, press 1. To decline it, press 2. To hear this again, press any other key.",
           "taken": "Your seat is booked. We will call you shortly with your booking number.",
           "declined": "Understood. The seat will be offered to the next family.",
           "gone": "We are sorry, this seat can no longer be taken."},
    "zh": {"choice": "预约此空位请按1，放弃请按2，如需再听一遍请按其他键。",
           "taken": "已为您预约。稍后我们将来电告知预约号。",
           "declined": "好的。此空位将转给下一位候补的家庭。",
           "gone": "抱歉，此空位已无法预约。"},
    "ko": {"choice": "이 자리를 예약하시려면 1번, 사양하시려면 2번, 다시 들으시려면 다른 번호를 눌러 주세요.",
           "taken": "예약이 완료되었습니다. 잠시 후 전화로 예약번호를 알려 드리겠습니다.",
           "declined": "알겠습니다. 이 자리는 다음 대기 가정에 안내해 드리겠습니다.",
           "gone": "죄송합니다. 이 자리는 더 이상 예약하실 수 없습니다."},
}
_NUMBER = re.compile(r"(予約番号|Booking number|预约号|예약번호)\s*(\d{6,8})")
_DIGIT_PAUSE = {"ja": "、", "en": ", ", "zh": "、", "ko": ", "}


def language_of(body: str) -> Language:
    """The language a text was written in, told by its script: Hangul, kana, Han alone, or Latin."""
    names = [unicodedata.name(c, "") for c in body]
    if any(n.startswith("HANGUL") for n in names):
        return "ko"
    if any(n.startswith(("HIRAGANA", "KATAKANA")) for n in names):
        return "ja"
    if any(n.startswith("CJK UNIFIED") for n in names):
        return "zh"
    return "en"


def booking_numbers(body: str) -> list[str]:
    return [m.group(2) for m in _NUMBER.finditer(body)]


# A call never speaks of SMS (contract §6): what a text says of texts, a call says of calls.
_AS_CALL: dict[Language, tuple[tuple[str, str], ...]] = {
    "ja": (("SMSで", "お電話で"), ("SMS", "お電話")),
    "en": (("text you an offer", "call you with an offer"), ("we will text you", "we will call you"),
           ("text you", "call you"), ("by text", "by phone"), ("SMS", "call")),
    "zh": (("以短信", "以电话"), ("短信", "电话")),
    "ko": (("문자로", "전화로"), ("문자", "전화")),
}
_LEADING = re.compile(r"^[\s,:;、，：。.]+")


def _as_call(text: str, language: Language) -> str:
    for written, said in _AS_CALL[language]:
        text = text.replace(written, said)
    text = _LEADING.sub("", text).strip()
    return text[:1].upper() + text[1:] if language == "en" else text


def spoken_sentences(body: str) -> list[str]:
    """What the call says: an opening, then the text with each booking number read where it stands, digit
    by digit and twice, so that "keep this number" comes after the number, never before it."""
    language = language_of(body)
    phrases = _PHRASES[language]
    sentences = [phrases["opening"]]
    at = 0
    for match in _NUMBER.finditer(body):
        if before := _as_call(body[at:match.start()], language):
            sentences.append(before)
        sentences.append(phrases["number"].format(digits=_DIGIT_PAUSE[language].join(match.group(2))))
        at = match.end()
    if rest := _as_call(body[at:], language):
        sentences.append(rest)
    return sentences


def announcement(body: str, *, repeat_action: str, kind: str = "") -> str:
    """TwiML for the call: the message inside a one-key <Gather> whose `1` posts to `repeat_action`.

    A seat offer (`kind` "offer") is read without how to take it by text, and asks for 1 or 2 instead.
    """
    language = language_of(body)
    code, voice = _VOICES[language]
    response = VoiceResponse()
    if kind == "offer":
        with response.gather(num_digits=1, action=repeat_action, method="POST", timeout=8) as gather:
            for sentence in (_PHRASES[language]["opening"], offer_heading(body), _OFFER_PHRASES[language]["choice"]):
                gather.say(sentence, language=code, voice=voice)
        response.say(_PHRASES[language]["closing"], language=code, voice=voice)
        response.hangup()
        return str(response)
    with response.gather(num_digits=1, action=repeat_action, method="POST", timeout=6) as gather:
        for sentence in [*spoken_sentences(body), _PHRASES[language]["again"]]:
            gather.say(sentence, language=code, voice=voice)
    response.say(_PHRASES[language]["closing"], language=code, voice=voice)
    response.hangup()
    return str(response)


def goodbye(body: str) -> str:
    language = language_of(body)
    code, voice = _VOICES[language]
    response = VoiceResponse()
    response.say(_PHRASES[language]["closing"], language=code, voice=voice)
    response.hangup()
    return str(response)


def offer_answer(body: str, outcome: str) -> str:
    """What an offer call says after 1 or 2 (`outcome`: taken, declined, gone), then goodbye."""
    language = language_of(body)
    code, voice = _VOICES[language]
    response = VoiceResponse()
    response.say(_OFFER_PHRASES[language][outcome], language=code, voice=voice)
    response.say(_PHRASES[language]["closing"], language=code, voice=voice)
    response.hangup()
    return str(response)
