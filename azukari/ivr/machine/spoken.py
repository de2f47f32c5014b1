"""Dates, times, fees and facility names as a caller hears them (or a parent reads them), in four languages."""
from __future__ import annotations

import datetime as dt

from azukari.ivr.machine.ports import StaffHours
from azukari.ivr.machine.replies import Channel
from azukari.ivr.machine.state import Option
from azukari.language import Language
from azukari.language import days as _days
from azukari.language.facility_names import GENERIC_READINGS, chinese_name, korean_name


def day_words(day: dt.date, language: Language, channel: Channel) -> str:
    """The day as a call says it (12月3日 木曜日) or a text writes it (12月3日(木)): `language.days`."""
    return _days.day_words(day, language, written=channel == "sms")


def _hm(text: str) -> tuple[int, int]:
    hours, minutes = text.split(":")
    return int(hours), int(minutes)


def _ja_clock(hour: int, minute: int, *, half: str | None) -> str:
    # 12:00 is said 12時 (noon), not 午後0時; 24:00 is 12時 of the night, said 午後12時.
    shown = hour if hour <= 12 else hour - 12
    prefix = half or ""
    return f"{prefix}{shown}時" + (f"{minute}分" if minute else "")


def _half(hour: int) -> str:
    return "午前" if hour < 12 else "午後"


# Each Asian language's clock: (morning, afternoon, hour word, minute word, noon said as).
_CLOCKS = {"ja": ("午前", "午後", "時", "分", ""), "zh": ("上午", "下午", "点", "分", "中午"),
           "ko": ("오전 ", "오후 ", "시", "분", "낮 ")}


def _clock(hour: int, minute: int, language: Language, *, with_half: bool) -> str:
    """午前9時30分 / 上午9点30分 / 오전 9시 30분; 12:00 is noon (12時, 中午12点), 24:00 the night's 12."""
    morning, afternoon, hour_word, minute_word, noon = _CLOCKS[language]
    if not with_half:
        half = ""
    elif (hour, minute) == (12, 0) and noon:
        half = noon
    else:
        half = morning if hour < 12 else afternoon
    shown = hour if hour <= 12 else hour - 12
    minutes = (" " if language == "ko" else "") + f"{minute}{minute_word}" if minute else ""
    return f"{half}{shown}{hour_word}{minutes}"


def _span(h1: int, m1: int, h2: int, m2: int, language: Language, *, noon_bare: bool = True) -> str:
    """From one time to another; the end names its half of the day only where it differs from the start's."""
    same_half = _half(h1) == _half(h2) or ((h2, m2) == (12, 0) and noon_bare)
    start, end = _clock(h1, m1, language, with_half=True), _clock(h2, m2, language, with_half=not same_half)
    if language == "zh":
        return f"{start}到{end}"
    if language == "ko":
        return f"{start}부터 {end}까지"
    return f"{start}から{end}"


def time_words(starts: str, ends: str, language: Language, channel: Channel) -> str:
    """09:00-12:00 as 午前9時から12時, 13:00-16:00 as 午後1時から4時; 9 AM to 12 PM; 上午9点到12点; 오전 9시부터…"""
    if channel == "sms":
        return f"{starts}-{ends}"
    (h1, m1), (h2, m2) = _hm(starts), _hm(ends)
    if language == "en":
        return f"{_en_clock(h1, m1)} to {_en_clock(h2, m2)}"
    return _span(h1, m1, h2, m2, language)


def _en_clock(hour: int, minute: int) -> str:
    suffix = "AM" if hour < 12 or hour == 24 else "PM"
    shown = hour % 12 or 12
    return f"{shown}:{minute:02d} {suffix}" if minute else f"{shown} {suffix}"


def fee_words(fee: int, language: Language) -> str:
    return {"en": f"{fee:,} yen", "zh": f"{fee:,}日元", "ko": f"{fee:,}엔"}.get(language, f"{fee:,}円")


def facility_words(option: Option, language: Language, channel: Channel, *, full: bool = False) -> str:
    """How a facility is named: its short name (or, `full`, its whole name) — its reading on a Japanese call.

    Contract §4: the short name after the first mention and in lists; English always `name_en`
    (else a romanised reading), as English speech cannot read kanji. Chinese calls and texts name
    it by its characters without the kana (光丘, in full 光丘中心), Korean ones by its reading in
    Hangul (히카리가오카, in full 히카리가오카 센터): `booking.facility_names`, as outbound texts do.
    """
    latin = option.name_en or option.short_name or option.facility_name
    if language == "en":
        return latin
    if language == "zh":
        return chinese_name(name=option.facility_name, latin=latin, with_kind=full)
    if language == "ko":
        return korean_name(name=option.facility_name, reading=option.facility_reading, latin=latin, with_kind=full)
    if channel == "sms":
        return option.facility_name if full or not option.short_name else option.short_name
    if full or not option.short_name:
        return option.facility_reading or option.facility_name
    return _short_reading(option)


def common_suffix(option: Option) -> str:
    """The generic tail of a facility's reading (こどもかていしえんせんたー) when its short name is the rest."""
    if not option.short_name or not option.facility_name.startswith(option.short_name):
        return ""
    reading = option.facility_reading
    return next((s for s in GENERIC_READINGS if reading.endswith(s) and len(reading) > len(s)), "")


def _short_reading(option: Option) -> str:
    # 関町 alone may be read かんちょう by speech synthesis: where the name is the short name plus a
    # common suffix, say the reading without that suffix (せきまち) instead of the kanji.
    suffix = common_suffix(option)
    return option.facility_reading[: -len(suffix)] if suffix else option.short_name


def hours_words(hours: StaffHours, language: Language) -> str:
    """STAFF_HOURS as said: 平日の午前8時30分から午後5時15分 / weekdays, 8:30 AM to 5:15 PM / 工作日… / 평일…."""
    days = (hours.first_day, hours.last_day)
    every_day, weekdays = (days[1] - days[0]) % 7 == 6, days == (0, 4)
    whole_day = (hours.opens, hours.closes) == (0, 24 * 60)
    (h1, m1), (h2, m2) = divmod(hours.opens, 60), divmod(hours.closes, 60)
    if language == "en":
        names = _days.WEEKDAYS_EN
        when = "every day" if every_day else "weekdays" if weekdays else f"{names[days[0]]} to {names[days[1]]}"
        if whole_day:
            return f"{when}, at any hour"
        return f"{when}, {_en_clock(h1, m1)} to {_en_clock(h2, m2)}"
    if language == "zh":
        when = ("每天" if every_day else "工作日" if weekdays
                else f"星期{_days.WEEKDAYS_ZH[days[0]]}到星期{_days.WEEKDAYS_ZH[days[1]]}")
        return f"{when}24小时" if whole_day else f"{when}{_span(h1, m1, h2, m2, 'zh', noon_bare=False)}"
    if language == "ko":
        when = ("매일" if every_day else "평일" if weekdays
                else f"{_days.WEEKDAYS_KO[days[0]]}요일부터 {_days.WEEKDAYS_KO[days[1]]}요일까지")
        return f"{when} 24시간" if whole_day else f"{when} {_span(h1, m1, h2, m2, 'ko', noon_bare=False)}"
    when = ("毎日" if every_day else "平日" if weekdays
            else f"{_days.WEEKDAYS_JA[days[0]]}から{_days.WEEKDAYS_JA[days[1]]}")
    if whole_day:
        return f"{when}、24時間"
    noon = (h2, m2) == (12, 0)  # 12時, not 午後12時 (that is midnight)
    return f"{when}の{_ja_clock(h1, m1, half=_half(h1))}から{_ja_clock(h2, m2, half=None if noon else _half(h2))}"
