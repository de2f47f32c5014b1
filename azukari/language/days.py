"""A day in words, in four languages: as a call says it, or as a text (or a page) writes it."""
from __future__ import annotations

import datetime as dt

from azukari.language import Language

WEEKDAYS_JA = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")
WEEKDAYS_JA_SHORT = "月火水木金土日"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
WEEKDAYS_ZH = "一二三四五六日"   # 星期一 said, 周一 written
WEEKDAYS_KO = "월화수목금토일"   # 월요일 said, (월) written


def day_words(day: dt.date, language: Language, *, written: bool) -> str:
    """12月3日 木曜日 / 12月3日(木) (`written`); Thursday, December 3 / Thu 12/3; 12月3日 星期四; 12월 3일 목요일."""
    weekday = day.weekday()
    if language == "zh":
        return f"{day.month}月{day.day}日(周{WEEKDAYS_ZH[weekday]})" if written else \
            f"{day.month}月{day.day}日 星期{WEEKDAYS_ZH[weekday]}"
    if language == "ko":
        return f"{day.month}월 {day.day}일({WEEKDAYS_KO[weekday]})" if written else \
            f"{day.month}월 {day.day}일 {WEEKDAYS_KO[weekday]}요일"
    if language == "en":
        if written:
            return f"{WEEKDAYS_EN[weekday][:3]} {day.month}/{day.day}"
        return f"{WEEKDAYS_EN[weekday]}, {MONTHS_EN[day.month - 1]} {day.day}"
    if written:
        return f"{day.month}月{day.day}日({WEEKDAYS_JA_SHORT[weekday]})"
    return f"{day.month}月{day.day}日 {WEEKDAYS_JA[weekday]}"
