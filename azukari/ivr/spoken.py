"""Dates, times, fees and facility names as a caller hears them (or a parent reads them)."""
from __future__ import annotations

import datetime as dt

import jaconv

from azukari.ivr.replies import Channel, Language
from azukari.ivr.state import Option
from azukari.settings import StaffHours

_WEEKDAYS_JA = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")
_WEEKDAYS_JA_SHORT = "月火水木金土日"
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
_READING_SUFFIXES = ("こどもかていしえんせんたー", "こそだてしえんせんたー", "ほいくえん", "せんたー")


def day_words(day: dt.date, language: Language, channel: Channel) -> str:
    """12月3日 木曜日 (spoken) or 12月3日(木) (text); Thursday, December 3 / Thu 12/3."""
    if language == "en":
        if channel == "sms":
            return f"{_WEEKDAYS_EN[day.weekday()][:3]} {day.month}/{day.day}"
        return f"{_WEEKDAYS_EN[day.weekday()]}, {_MONTHS_EN[day.month - 1]} {day.day}"
    if channel == "sms":
        return f"{day.month}月{day.day}日({_WEEKDAYS_JA_SHORT[day.weekday()]})"
    return f"{day.month}月{day.day}日 {_WEEKDAYS_JA[day.weekday()]}"


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


def time_words(starts: str, ends: str, language: Language, channel: Channel) -> str:
    """09:00-12:00 as 午前9時から12時, 13:00-16:00 as 午後1時から4時; 9 AM to 12 PM in English."""
    if channel == "sms":
        return f"{starts}-{ends}"
    (h1, m1), (h2, m2) = _hm(starts), _hm(ends)
    if language == "en":
        return f"{_en_clock(h1, m1)} to {_en_clock(h2, m2)}"
    start = _ja_clock(h1, m1, half=_half(h1))
    same_half = _half(h1) == _half(h2) or (h2, m2) == (12, 0)
    end = _ja_clock(h2, m2, half=None if same_half else _half(h2))
    return f"{start}から{end}"


def _en_clock(hour: int, minute: int) -> str:
    suffix = "AM" if hour < 12 or hour == 24 else "PM"
    shown = hour % 12 or 12
    return f"{shown}:{minute:02d} {suffix}" if minute else f"{shown} {suffix}"


def fee_words(fee: int, language: Language) -> str:
    return f"{fee:,} yen" if language == "en" else f"{fee:,}円"


def facility_words(option: Option, language: Language, channel: Channel, *, full: bool = False) -> str:
    """How a facility is named: its short name (or, `full`, its whole name) — its reading on a Japanese call.

    Contract §4: the short name after the first mention and in lists; English always `name_en`
    (else a romanised reading), as English speech cannot read kanji.
    """
    if language == "en":
        return option.name_en or english_place(option.facility_reading) or f"centre {option.facility_key}"
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
    return next((s for s in _READING_SUFFIXES if reading.endswith(s) and len(reading) > len(s)), "")


def _short_reading(option: Option) -> str:
    # 関町 alone may be read かんちょう by speech synthesis: where the name is the short name plus a
    # common suffix, say the reading without that suffix (せきまち) instead of the kanji.
    suffix = common_suffix(option)
    return option.facility_reading[: -len(suffix)] if suffix else option.short_name


def hours_words(hours: StaffHours, language: Language) -> str:
    """STAFF_HOURS as said: 平日の午前8時30分から午後5時15分 / weekdays, 8:30 AM to 5:15 PM."""
    days = (hours.first_day, hours.last_day)
    whole_day = (hours.opens, hours.closes) == (0, 24 * 60)
    if language == "en":
        names = _WEEKDAYS_EN
        when = ("every day" if (days[1] - days[0]) % 7 == 6 else "weekdays" if days == (0, 4)
                else f"{names[days[0]]} to {names[days[1]]}")
        if whole_day:
            return f"{when}, at any hour"
        opens, closes = divmod(hours.opens, 60), divmod(hours.closes, 60)
        return f"{when}, {_en_clock(*opens)} to {_en_clock(*closes)}"
    when = ("毎日" if (days[1] - days[0]) % 7 == 6 else "平日" if days == (0, 4)
            else f"{_WEEKDAYS_JA[days[0]]}から{_WEEKDAYS_JA[days[1]]}")
    if whole_day:
        return f"{when}、24時間"
    (h1, m1), (h2, m2) = divmod(hours.opens, 60), divmod(hours.closes, 60)
    noon = (h2, m2) == (12, 0)  # 12時, not 午後12時 (that is midnight)
    return f"{when}の{_ja_clock(h1, m1, half=_half(h1))}から{_ja_clock(h2, m2, half=None if noon else _half(h2))}"


def english_place(reading: str) -> str:
    """ひかりがおかこどもかていしえんせんたー → Hikarigaoka centre (English TTS cannot read kanji)."""
    place = reading
    for suffix in _READING_SUFFIXES:
        if place.endswith(suffix) and len(place) > len(suffix):
            place = place[: -len(suffix)]
            break
    romaji = str(jaconv.kana2alphabet(jaconv.kata2hira(place))).replace("-", "")
    if not romaji.isascii() or not romaji:
        return ""
    return f"{romaji.capitalize()} centre"
