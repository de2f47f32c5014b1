"""Dates as parents say or text them: kana and kanji numerals, あした, 来週の月曜日, tomorrow, 明天, 내일."""
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
# Mandarin says 零 and 两 where Japanese writes 〇 and 二 (二零二四年, 两千零二十四年), and 号 for a day.
_MANDARIN_NUMERALS = str.maketrans({"零": "〇", "两": "二", "兩": "二"})
_DAY_NUMBER = re.compile(r"(\d)[号號]")
# Korean says Sino-Korean numbers before 년, 월 and 일 (이천이십사년 삼월 일일): they are the kanji numerals'
# own sounds. 일 is both one and day: a day's 일 is the last of its run (이십일일 is the 21st).
_SINO_KOREAN = dict(zip("영공일이삼사오육륙칠팔구십백천", "〇〇一二三四五六六七八九十百千", strict=True))
_SINO_KOREAN_DATE = re.compile(r"([영공일이삼사오육륙칠팔구십백천]+)(년|월|일(?![영공일이삼사오육륙칠팔구십백천]))")
_KOREAN_UNITS = {"년": "年", "월": "月", "일": "日"}

_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Relative days in every language a conversation may be in. Mandarin is recognised in simplified
# characters (cmn-Hans-CN); a text may come in traditional ones (後天).
_RELATIVE = {"あした": 1, "明日": 1, "あす": 1, "tomorrow": 1, "あさって": 2, "明後日": 2,
             "dayaftertomorrow": 2, "thedayaftertomorrow": 2, "きょう": 0, "今日": 0, "today": 0,
             "今天": 0, "明天": 1, "后天": 2, "後天": 2, "大后天": 3, "大後天": 3,
             "오늘": 0, "내일": 1, "모레": 2, "글피": 3}
_WEEKDAY_JA = re.compile(r"(来週|今週|今度)?(の)?([月火水木金土日])(曜日?)?(に|で)?")
_WEEKDAY_EN = re.compile(r"(next|this)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*")
_WEEKDAY_KANA = {"げつ": "月", "か": "火", "すい": "水", "もく": "木", "きん": "金", "ど": "土", "にち": "日"}
_WEEKDAY_KANA_RE = re.compile(r"(らいしゅう|こんしゅう|こんど)?(の)?(げつ|か|すい|もく|きん|ど|にち)(ようび|よう)")
# 下周三, 下个星期三, 这周三, 礼拜天, 星期3 (recognition may write the number as a digit); 下 is next week.
_WEEKDAY_ZH = re.compile(r"(下个?|下個?|这个?|這個?|本)?(星期|礼拜|禮拜|周|週)([一二三四五六日天1-7])")
_WEEKDAY_ZH_INDEX = {**{c: i for i, c in enumerate("一二三四五六")}, **{str(i + 1): i for i in range(7)},
                     "日": 6, "天": 6}
# 수요일, 다음 주 수요일 (spaces are dropped first), 이번 주 수요일; 다음 주 is next week.
_WEEKDAY_KO = re.compile(r"(다음주|담주|이번주|이번|다음)?(의)?([월화수목금토일])요일")
_WEEKDAYS_KO = "월화수목금토일"
# What a parent says around the day (明天吧, 내일로 해 주세요, 来週の月曜でお願いします), tried off one by one.
_PREFIXES = ("我想预约", "我要预约", "我想要", "我想", "我要", "预约")
_SUFFIXES = ("でお願いします", "です", "please", "可以吗", "行吗", "好吗", "吧", "的", "으로해주세요", "로해주세요",
             "으로부탁합니다", "로부탁합니다", "으로부탁드립니다", "로부탁드립니다", "해주세요", "부탁합니다",
             "부탁드립니다", "입니다", "이에요", "예요", "에요", "이요", "으로", "로", "에", "요")

# Words a date is said with, per language: Google's phrase boost favours them over similar sounds.
DATE_HINTS: dict[str, tuple[str, ...]] = {
    "ja": ("あした", "あさって", "来週", "今週", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日",
           "日曜日", "月", "日"),
    "en": ("tomorrow", "the day after tomorrow", "next", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
           "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "zh": ("今天", "明天", "后天", "大后天", "下周", "这周", "星期一", "星期二", "星期三", "星期四", "星期五",
           "星期六", "星期天", "月", "号"),
    "ko": ("오늘", "내일", "모레", "다음 주", "이번 주", "월요일", "화요일", "수요일", "목요일", "금요일", "토요일",
           "일요일", "월", "일"),
}


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
    kanji = _KANA_RUN.sub(lambda m: _kana_to_kanji(m.group()), hiragana).translate(_MANDARIN_NUMERALS)
    kanji = kanji.replace("유월", "육월").replace("시월", "십월")  # June and October drop a sound
    kanji = _SINO_KOREAN_DATE.sub(lambda m: "".join(_SINO_KOREAN[c] for c in m.group(1))
                                  + _KOREAN_UNITS[m.group(2)], kanji)

    def digits(match: re.Match[str]) -> str:
        try:
            return str(kanji2number(match.group()))
        except ValueError:
            return match.group()

    return _DAY_NUMBER.sub(r"\1日", _KANJI_NUMERAL.sub(digits, kanji))


def unframed(text: str) -> str:
    """A date without the polite words around it, spaces gone: 3월 1일이요 → 3월1일, 我想预约6月2号吧 → 6月2号."""
    word = text.replace(" ", "").replace("\u3000", "")
    word = next((word[len(p):] for p in _PREFIXES if word.startswith(p) and len(word) > len(p)), word)
    suffix = max((s for s in _SUFFIXES if word.endswith(s) and len(word) > len(s)), key=len, default="")
    return word[: len(word) - len(suffix)]


def relative_day(text: str, *, today: dt.date) -> dt.date | None:
    """あした, 来週の月曜日, tomorrow, next Wednesday, 明天, 下周三, 내일, 다음 주 수요일: the day meant; else None."""
    word = re.sub(r"[\s、。,.!！?？，]", "", str(jaconv.kata2hira(text))).lower()
    for core in _cores(word):
        day = _relative(core, today)
        if day is not None:
            return day
    return None


def _cores(word: str) -> list[str]:
    """The word, then without one polite frame around it (明天吧 → 明天, 내일로해주세요 → 내일)."""
    starts = [word, *(word[len(p):] for p in _PREFIXES if word.startswith(p) and len(word) > len(p))]
    return [*starts, *(start[: -len(s)] for start in starts for s in _SUFFIXES
                       if start.endswith(s) and len(start) > len(s))]


def _relative(word: str, today: dt.date) -> dt.date | None:
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
    if match := _WEEKDAY_ZH.fullmatch(word):
        return _weekday(today, _WEEKDAY_ZH_INDEX[match.group(3)], next_week=(match.group(1) or "").startswith("下"))
    if match := _WEEKDAY_KO.fullmatch(word):
        return _weekday(today, _WEEKDAYS_KO.index(match.group(3)), next_week=match.group(1) in ("다음주", "담주"))
    return None


def _weekday(today: dt.date, weekday: int, *, next_week: bool) -> dt.date:
    if next_week:
        # 来週: the week (Monday to Sunday) after this one, as a calendar on the wall counts it.
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
        return monday + dt.timedelta(days=weekday)
    ahead = (weekday - today.weekday()) % 7
    return today + dt.timedelta(days=ahead or 7)  # 水曜 said on a Wednesday means the next one


# English dates as said or texted: "December 10", "Dec 10th", "the 10th of December", "Wednesday, December
# tenth", "the 10th" (the month left out). Recognition writes most ordinals in digits ("10th"); a slow answer
# may come back in words ("tenth", "twenty-first").
_MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ORDINAL_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9}
_ORDINAL_WORDS = {**_ORDINAL_UNITS, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
                  "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
                  "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
                  **{f"twenty{word}": 20 + n for word, n in _ORDINAL_UNITS.items()}, "thirtyfirst": 31}
_EN_DAY = r"(\d{1,2})(?:st|nd|rd|th)?|(" + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) + ")"
_MONTH_NAMES_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                   "october", "november", "december", "sept", *_MONTHS_EN)
_EN_MONTH = "(" + "|".join(sorted(_MONTH_NAMES_EN, key=len, reverse=True)) + ")"
_EN_MONTH_DAY = re.compile(rf"{_EN_MONTH}(?:the)?(?:{_EN_DAY})")
_EN_DAY_MONTH = re.compile(rf"(?:the)?(?:{_EN_DAY})(?:of)?{_EN_MONTH}")
_EN_DAY_ALONE = re.compile(rf"the(?:{_EN_DAY})|(\d{{1,2}})(?:st|nd|rd|th)")
_EN_FRAME = re.compile(r"^(?:(?:it's|itis|i'dlike|iwould|iwant|canibook|book|for|on)+)|(?:please|thanks|thankyou)+$")
_EN_WEEKDAY = re.compile(r"^(?:mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat|sun)(?:day)?")
# 10日, 十日, とおか, 10号, 10일 (the month left out): the day of the month in Japanese, Chinese and Korean.
_CJK_DAY_ALONE = re.compile(r"(\d{1,2})[日号號일]")


def _day_number(digits: str | None, word: str | None) -> int:
    return int(digits) if digits else _ORDINAL_WORDS[word or ""]


def _english_words(text: str) -> str:
    word = re.sub(r"[\s,.!?\-]", "", text.lower())
    return _EN_FRAME.sub("", _EN_FRAME.sub("", word))


def spoken_month_day(text: str) -> tuple[int, int] | None:
    """An English date with its month: "December 10", "Dec 10th", "the tenth of December" -> (12, 10)."""
    word = _english_words(text)
    for candidate in (word, _EN_WEEKDAY.sub("", word)):
        if match := _EN_MONTH_DAY.fullmatch(candidate):
            month, digits, ordinal = match.groups()
        elif match := _EN_DAY_MONTH.fullmatch(candidate):
            digits, ordinal, month = match.groups()
        else:
            continue
        return _MONTHS_EN.index(month[:3]) + 1, _day_number(digits, ordinal)
    return None


def spoken_day_of_month(text: str) -> int | None:
    """A day of the month said without its month: "the 10th", "the tenth", 10日, とおか, 十号, 10일 -> 10."""
    word = _english_words(text)
    if match := _EN_DAY_ALONE.fullmatch(word):
        digits, ordinal, bare = match.groups()
        return _day_number(digits or bare, ordinal)
    cjk = re.sub(r"[\s、。，.!！?？]", "", arabic_numerals(unframed(text)))
    if match := _CJK_DAY_ALONE.fullmatch(cjk):
        return int(match.group(1))
    return None


def next_day_of_month(day: int, *, today: dt.date) -> tuple[int, int] | None:
    """The month of the next such day from today on: the 10th said on 1 June is 10 June, on 20 June 10 July."""
    if not 1 <= day <= 31:
        return None
    month, year = today.month, today.year
    if day < today.day:
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    for _ in range(3):  # the 31st said in a 30-day month: the next month that has one
        try:
            return dt.date(year, month, day).month, day
        except ValueError:
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return None
