"""Dates as parents say or text them: kana and kanji numerals, あした/あさって, 来週の月曜日, tomorrow."""
from __future__ import annotations

import datetime as dt
import re

import jaconv
from kanjize import kanji2number

# Speech recognition writes most dates in digits (2024年5月1日), but a slow or unusual answer can
# come back in kana (にせんにじゅうよねん ごがつ ついたち) or kanji numerals (令和六年五月一日).
# Kana is turned into kanji numerals word by word (longest first), then kanji numerals into digits.
_DAYS_OF_MONTH = {"ついたち": "一日", "ふつか": "二日", "みっか": "三日", "よっか": "四日", "いつか": "五日",
                  "むいか": "六日", "なのか": "七日", "なぬか": "七日", "ようか": "八日", "ここのか": "九日",
                  "とおか": "十日", "はつか": "二十日"}
_KANA_WORDS = {
    **_DAYS_OF_MONTH,
    "れいわ": "令和", "へいせい": "平成", "しょうわ": "昭和", "がんねん": "元年", "ねん": "年", "がつ": "月",
    "にち": "日", "ぜろ": "〇", "れい": "〇", "まる": "〇", "いち": "一", "いっ": "一", "に": "二", "さん": "三",
    "よん": "四", "よ": "四", "し": "四", "ご": "五", "ろく": "六", "ろっ": "六", "なな": "七", "しち": "七",
    "はち": "八", "はっ": "八", "きゅう": "九", "く": "九", "じゅう": "十", "じゅっ": "十", "ひゃく": "百",
    "びゃく": "百", "ぴゃく": "百", "せん": "千", "ぜん": "千", "の": "",
}
_KANA_WORD = re.compile("|".join(sorted(map(re.escape, _KANA_WORDS), key=len, reverse=True)))
_KANA_RUN = re.compile(r"[ぁ-ゖー]+")
_KANJI_NUMERAL = re.compile(r"[〇一二三四五六七八九十百千]+")

_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = {"あした": 1, "明日": 1, "あす": 1, "tomorrow": 1, "あさって": 2, "明後日": 2,
             "dayaftertomorrow": 2, "thedayaftertomorrow": 2, "きょう": 0, "今日": 0, "today": 0,
             "明天": 1, "后天": 2, "今天": 0, "내일": 1, "모레": 2, "오늘": 0}
_WEEKDAY_JA = re.compile(r"(来週|今週|今度)?(の)?([月火水木金土日])(曜日?)?(に|で)?")
_WEEKDAY_EN = re.compile(r"(next|this)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*")
_WEEKDAY_KANA = {"げつ": "月", "か": "火", "すい": "水", "もく": "木", "きん": "金", "ど": "土", "にち": "日"}
_WEEKDAY_KANA_RE = re.compile(r"(らいしゅう|こんしゅう|こんど)?(の)?(げつ|か|すい|もく|きん|ど|にち)(ようび|よう)")


def _kana_to_kanji(run: str) -> str:
    out, at = [], 0
    while at < len(run):
        match = _KANA_WORD.match(run, at)
        if match is None:
            return run  # not a number said in kana: leave the words as they were
        out.append(_KANA_WORDS[match.group()])
        at = match.end()
    return "".join(out)


def arabic_numerals(text: str) -> str:
    """Kana and kanji numerals of a spoken date as digits: ごがつ ついたち → 5月1日, 令和六年 → 令和6年."""
    hiragana = str(jaconv.kata2hira(text)).replace(" ", "").replace("\u3000", "")
    kanji = _KANA_RUN.sub(lambda m: _kana_to_kanji(m.group()), hiragana)

    def digits(match: re.Match[str]) -> str:
        try:
            return str(kanji2number(match.group()))
        except ValueError:
            return match.group()

    return _KANJI_NUMERAL.sub(digits, kanji)


def relative_day(text: str, *, today: dt.date) -> dt.date | None:
    """あした, あさって, 来週の月曜日, 水曜, tomorrow, next Wednesday: the day meant, from `today`; else None."""
    word = re.sub(r"[\s、。,.!！?？]", "", str(jaconv.kata2hira(text))).lower()
    word = word.removesuffix("です").removesuffix("でお願いします").removesuffix("please")
    if word in _RELATIVE:
        return today + dt.timedelta(days=_RELATIVE[word])
    if match := _WEEKDAY_KANA_RE.fullmatch(word):
        word = (match.group(1) or "") + _WEEKDAY_KANA[match.group(3)] + "曜"
        word = word.replace("らいしゅう", "来週").replace("こんしゅう", "今週").replace("こんど", "今度")
    if match := _WEEKDAY_JA.fullmatch(word):
        return _weekday(today, _WEEKDAYS_JA.index(match.group(3)), next_week=match.group(1) == "来週")
    if match := _WEEKDAY_EN.fullmatch(word):
        index = next(i for i, name in enumerate(_WEEKDAYS_EN) if name.startswith(match.group(2)))
        return _weekday(today, index, next_week=match.group(1) == "next")
    return None


def _weekday(today: dt.date, weekday: int, *, next_week: bool) -> dt.date:
    if next_week:
        # 来週: the week (Monday to Sunday) after this one, as a calendar on the wall counts it.
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
        return monday + dt.timedelta(days=weekday)
    ahead = (weekday - today.weekday()) % 7
    return today + dt.timedelta(days=ahead or 7)  # 水曜 said on a Wednesday means the next one
