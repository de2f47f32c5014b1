"""Dates, times, fees and facility names as a caller hears them (or a parent reads them)."""
from __future__ import annotations

import datetime as dt

import jaconv

from azukari.ivr.replies import Channel, Language
from azukari.ivr.state import Option

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


def facility_words(option: Option, language: Language, channel: Channel) -> str:
    """The full name in text; its reading on a Japanese call; a romanised place name in English."""
    if channel == "sms":
        return option.facility_name
    if language == "ja":
        return option.facility_reading or option.facility_name
    return english_place(option.facility_reading) or f"facility {option.facility_key}"


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
