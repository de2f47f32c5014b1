"""Pure parsers for what callers key in and parents text: dates, yes/no, numbers, clean text."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from japanera import ERA_DATA_GENERAL

from azukari.ivr.machine.dates import arabic_numerals, unframed
from azukari.language import Language

# Era (和暦) start dates come from japanera (maintained; its table will gain the era after 令和),
# limited to the eras of the Gregorian calendar that a parent or a child can be born in.
_ERAS = {era.kanji: era for era in ERA_DATA_GENERAL if era.since.year >= 1912}
_ERA_BY_HEAD = {era.english_head.lower(): era for era in _ERAS.values()}

_SPACES = re.compile(r"\s+")
# Trailing politeness or punctuation that does not change an answer: 「はい。」「yes!」
_TRAILING = re.compile(r"[\s。、．.!！?？〜~ー]+$")
# Raw input beyond this is cut before any work, so a 10 MB body costs nothing (NFKC may expand ~3x).
_RAW_FACTOR = 4

_YMD_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YMD = re.compile(r"(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?")
_ERA_NAMES = "|".join([*_ERAS, *_ERA_BY_HEAD])
_ERA_YMD = re.compile(rf"({_ERA_NAMES})(元|\d{{1,2}})[/\-.年](\d{{1,2}})[/\-.月](\d{{1,2}})日?", re.IGNORECASE)
_MD = re.compile(r"(\d{1,2})[/\-.月](\d{1,2})日?")
_GROUPED_DIGITS = re.compile(r"[0-9]+(?:-[0-9]+)*")
_MD_COMPACT = re.compile(r"(\d{2})(\d{2})")
# A weekday the parent may add after a date: 12/3(水), 12月3日 水曜日, 12/3 wed, 12月3号星期四, 12월 3일 목요일
_WEEKDAY_SUFFIX = re.compile(r"[(（]?([月火水木金土日](曜日?)?|mon|tue|wed|thu|fri|sat|sun"
                             r"|(星期|周|礼拜)[一二三四五六日天]|[월화수목금토일](요일)?)[a-z]*[)）]?$", re.IGNORECASE)

# Each set holds the words of every language a conversation may be in (ja, en, zh, ko).
_YES = {"はい", "ハイ", "はーい", "1", "yes", "y", "ok", "okay", "お願いします", "おねがいします",
        "是", "是的", "好", "好的", "确认", "对", "对的", "可以", "行", "네", "예", "좋아요", "맞아요", "맞습니다"}
_NO = {"いいえ", "イイエ", "いえ", "いや", "2", "no", "n", "nope", "否", "不", "不是", "不要",
       "不对", "不用", "아니요", "아니오", "아뇨", "아니에요"}
_END = {"終了", "しゅうりょう", "おわり", "終わり", "終り", "オワリ", "end", "stop", "quit", "结束", "종료"}
_STAFF = {"職員", "しょくいん", "スタッフ", "すたっふ", "staff", "0", "職員と話したい", "職員をお願いします",
          "工作人员", "직원"}
_MENU = {"メニュ", "めにゅ", "menu", "菜单", "메뉴"}  # the trailing ー is dropped with the punctuation (_TRAILING)
# Contract §5.2 has EN; the other languages are chosen the same way, by their name or code.
_LANGUAGE_WORDS: dict[str, Language] = {
    "ja": "ja", "日本語": "ja", "にほんご": "ja", "en": "en", "english": "en", "zh": "zh", "中文": "zh",
    "汉语": "zh", "普通话": "zh", "chinese": "zh", "ko": "ko", "한국어": "ko", "한국말": "ko", "korean": "ko"}
_HANGUL = re.compile("[\uac00-\ud7a3]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def _normalize(text: str, limit: int) -> str:
    return unicodedata.normalize("NFKC", text[: limit * _RAW_FACTOR])


def clean_speech(text: str | None, limit: int = 200) -> str:
    """NFKC, no control/format/bidi characters (NUL included), single spaces, at most `limit` characters."""
    if not text:
        return ""
    normalized = _normalize(text, limit)
    # Line breaks and tabs are control characters too: make them spaces before dropping the rest.
    spaced = "".join(" " if ch.isspace() else ch for ch in normalized)
    kept = "".join(ch for ch in spaced if not unicodedata.category(ch).startswith("C"))
    return _SPACES.sub(" ", kept).strip()[:limit]


def clean_digits(text: str | None, limit: int = 20) -> str:
    """Only keypad characters (0-9, * and #), after NFKC, at most `limit` of them."""
    if not text:
        return ""
    return "".join(ch for ch in _normalize(text, limit) if ch in "0123456789*#")[:limit]


def _compact(text: str, limit: int = 40) -> str:
    return _SPACES.sub("", _TRAILING.sub("", clean_speech(text, limit)))


def parse_number(text: str, *, max_length: int = 12) -> str | None:
    """The digits of a typed number (booking number, household ID), spaces and hyphens allowed between them."""
    compact = _compact(text, max_length * 2)
    if not _GROUPED_DIGITS.fullmatch(compact):
        return None
    digits = compact.replace("-", "")
    return digits if len(digits) <= max_length else None


def _word(text: str) -> str:
    return _compact(text).lower()


def parse_yes_no(text: str) -> bool | None:
    """True for はい/1/yes, False for いいえ/2/no, None for anything else."""
    word = _word(text)
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def is_end_word(text: str) -> bool:
    """終了, おわり, 終わり or END (any case, full-width too): the parent ends the conversation."""
    return _word(text) in _END


def wants_staff(text: str) -> bool:
    """職員, スタッフ, STAFF or 0 (contract §5.2): the parent asks for a person."""
    return _word(text) in _STAFF


def wants_menu(text: str) -> bool:
    """メニュー or MENU: the menu is written out once, then again only when asked for."""
    return _word(text) in _MENU


_CANCEL = re.compile(r"(?:取消し?|取り消し|とりけし|キャンセル|cancel|취소)[\s:：]*([0-9][0-9\s\-]*)", re.IGNORECASE)


def parse_cancel(text: str) -> str | None:
    """`取消 51369263` (or 取り消し/キャンセル/CANCEL): the booking number to cancel, else None."""
    match = _CANCEL.fullmatch(_TRAILING.sub("", clean_speech(text, 60)))
    return parse_number(match.group(1)) if match else None


def chosen_language(text: str) -> Language | None:
    """`EN`, `中文`/`ZH`, `한국어`/`KO`, `日本語`/`JA` alone: the language the parent asks for; else None."""
    return _LANGUAGE_WORDS.get(_word(text))


def first_language(text: str) -> Language:
    """The language of a conversation's first text: one asked for by name, else Korean for Hangul, English
    for mostly Latin letters, else Japanese (Chinese characters alone cannot be told from Japanese)."""
    chosen = chosen_language(text)
    if chosen is not None:
        return chosen
    if _HANGUL.search(text):
        return "ko"
    return "en" if wants_english(text) else "ja"


def wants_english(text: str) -> bool:
    """`EN`, or a message written mostly in ASCII letters with no Japanese in it."""
    cleaned = clean_speech(text, 200)
    if cleaned.strip().lower() == "en":
        return True
    if _JAPANESE.search(cleaned):
        return False
    letters = sum(1 for ch in cleaned if ch.isascii() and ch.isalpha())
    others = sum(1 for ch in cleaned if not ch.isspace()) - letters
    return letters >= 2 and letters > 2 * others


def _era_date(name: str, year_in_era: int, month: int, day: int) -> dt.date | None:
    era = _ERAS.get(name) or _ERA_BY_HEAD.get(name.lower())
    if era is None or year_in_era < 1:
        return None
    day_given = _date(era.relative_year_to_absolute_year(year_in_era), month, day)
    # Before its era began the date does not exist (令和1年4月30日). After an era ended, forms
    # printed earlier still say 平成32年: that is still a clear date, so it is accepted.
    return day_given if day_given is not None and day_given >= era.since else None


def _date(year: int, month: int, day: int) -> dt.date | None:
    if not 1900 <= year <= 2199:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full_date(compact: str) -> dt.date | None:
    if match := _YMD_COMPACT.fullmatch(compact):
        return _date(*(int(g) for g in match.groups()))
    if match := _YMD.fullmatch(compact):
        return _date(*(int(g) for g in match.groups()))
    if match := _ERA_YMD.fullmatch(compact):
        era, year_text, month, day = match.groups()
        return _era_date(era, 1 if year_text == "元" else int(year_text), int(month), int(day))
    return None


# Korean writes 2024년 5월 1일 and Mandarin says 5月1号: after a number these are 年, 月 and 日.
_DATE_UNITS = re.compile(r"(\d)\s*(년|월|일|号|號)")
_AS_KANJI_UNIT = {"년": "年", "월": "月", "일": "日", "号": "日", "號": "日"}


def _date_text(text: str) -> str:
    # 3월 1일이요, 6月2号吧: the date without the words said around it.
    return _DATE_UNITS.sub(lambda m: m.group(1) + _AS_KANJI_UNIT[m.group(2)], unframed(_compact(text)))


def parse_birthdate(text: str) -> dt.date | None:
    """A full date: 20240501, 2024/5/1, 2024年5月1日, 令和6年5月1日, R6.5.1, 令和六年五月一日, 2024년 5월 1일…"""
    compact = _date_text(text)
    return _full_date(compact) or _full_date(_compact(arabic_numerals(compact)))


def parse_sms_date(text: str) -> tuple[int, int] | dt.date | None:
    """A day to book: (month, day) for 12/3, 12月3日, じゅうにがつみっか or 1203; a date for 20261203, 令和8年12月3日.

    Relative days (あした, 来週の月曜日) need today: see `dates.relative_day`.
    """
    compact = _date_text(text)
    spoken = _compact(arabic_numerals(compact))
    for candidate in dict.fromkeys((compact, _WEEKDAY_SUFFIX.sub("", compact), spoken,
                                    _WEEKDAY_SUFFIX.sub("", spoken))):
        full = _full_date(candidate)
        if full is not None:
            return full
        match = _MD.fullmatch(candidate) or _MD_COMPACT.fullmatch(candidate)
        if match is not None:
            month, day = (int(g) for g in match.groups())
            # 2000 is a leap year, so 2/29 is a day one may ask for; the conversation picks the year.
            return (month, day) if _date(2000, month, day) else None
    return None
