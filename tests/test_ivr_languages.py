"""The conversation in Chinese and Korean (and the language choice), with the hand-written fake ports."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from ivr_fakes import OPTIONS, FakePorts, call

from azukari.ivr.machine.conversation import step
from azukari.ivr.machine.dates import relative_day
from azukari.ivr.machine.parsing import first_language, parse_birthdate, parse_sms_date, parse_yes_no
from azukari.ivr.machine.replies import Channel, Line, Reply
from azukari.ivr.machine.spoken import day_words, facility_words, fee_words, hours_words, time_words
from azukari.ivr.machine.state import Event, Option, State
from azukari.ivr.prompts import CATALOGUES, text
from azukari.ivr.sms import render_sms
from azukari.ivr.voice import said
from azukari.language import Language
from azukari.settings import StaffHours

ID_PATH = (("id_choice", "1"), ("household_id", "10000001#"), ("pin", "4821#"), ("birthdate", "20240301"))
HIKARIGAOKA = Option(11, 1, "光が丘子ども家庭支援センター", "ひかりがおかこどもかていしえんせんたー", 1,
                     "09:00", "12:00", 1500, "光が丘", "Hikarigaoka")
OFFICE_HOURS = StaffHours.parse("mon-fri 08:30-17:15")


@pytest.mark.parametrize(("key", "language"), [("1", "ja"), ("2", "en"), ("3", "zh"), ("4", "ko")])
def test_the_language_key_sets_the_language_of_the_rest_of_the_call(key: str, language: str) -> None:
    state, reply = call(FakePorts(), ("language", key))
    assert state.language == language and reply.language == language
    assert reply.ask is not None and reply.ask.step == "id_choice"


def test_a_key_with_no_language_asks_again() -> None:
    state, reply = call(FakePorts(), ("language", "5"))
    assert state.language == "ja" and reply.ask is not None and reply.ask.step == "language"


@pytest.mark.parametrize("key", ["3", "4"])
def test_the_household_id_path_reaches_the_menu_and_books_in_chinese_and_korean(key: str) -> None:
    ports = FakePorts()
    state, reply = call(ports, ("language", key), *ID_PATH, ("menu", "1"), ("date", "0602"), ("facility", "1"),
                        ("unit", "1"), ("confirm", "1"))
    assert ports.booked == [OPTIONS[0].unit_id] and reply.ask is not None and reply.ask.step == "next"
    assert reply.language == state.language == {"3": "zh", "4": "ko"}[key]


@pytest.mark.parametrize(("key", "language"), [("3", "zh"), ("4", "ko")])
def test_names_said_by_chinese_and_korean_callers_are_graded_as_their_language(key: str, language: str) -> None:
    ports = FakePorts()
    call(ports, ("language", key), ("id_choice", "2"), ("child_name", "x"), ("birthdate", "20240301"),
         ("address", "東京都練馬区光が丘二丁目"), ("guardian_name", "x"))
    assert ports.graded_in == [language, language]


def test_a_first_text_in_hangul_is_answered_in_korean() -> None:
    _state, reply = step(State(channel="sms"), Event(text="안녕하세요"), FakePorts())
    assert reply.language == "ko"


@pytest.mark.parametrize(("word", "language"), [("中文", "zh"), ("ZH", "zh"), ("한국어", "ko"), ("ko", "ko"),
                                                ("EN", "en"), ("日本語", "ja")])
def test_a_text_naming_a_language_switches_the_conversation_and_asks_the_same_question(word: str,
                                                                                       language: str) -> None:
    state, first = step(State(channel="sms"), Event(text="予約"), FakePorts())
    state, reply = step(state, Event(text=word), FakePorts())
    assert state.language == language and reply.ask == first.ask


def test_chinese_characters_alone_are_not_taken_for_chinese() -> None:
    assert first_language("高橋陽翔") == "ja"


@pytest.mark.parametrize(("word", "answer"), [("是", True), ("好的", True), ("对", True), ("可以", True), ("否", False),
                                              ("不对", False), ("네", True), ("맞아요", True), ("아니요", False),
                                              ("아니에요", False)])
def test_yes_and_no_are_understood_in_chinese_and_korean(word: str, answer: bool) -> None:
    assert parse_yes_no(word) is answer


def test_dates_are_understood_as_korean_writes_and_mandarin_says_them() -> None:
    assert parse_birthdate("2024년 3월 1일") == dt.date(2024, 3, 1)
    assert parse_sms_date("6월 2일") == (6, 2) and parse_sms_date("6月2号") == (6, 2)


@pytest.mark.parametrize(("language", "said"), [
    ("zh", "6月2日 星期二，上午9点到12点，光丘，费用是1,500日元。"),
    ("ko", "6월 2일 화요일, 오전 9시부터 12시까지, 히카리가오카, 요금은 1,500엔입니다."),
])
def test_the_confirm_summary_reads_date_time_facility_and_fee_in_the_callers_language(language: Language,
                                                                                      said: str) -> None:
    day = dt.date(2026, 6, 2)
    line = Line("confirm_summary", {"date": day_words(day, language, "voice"),
                                    "time": time_words("09:00", "12:00", language, "voice"),
                                    "facility": facility_words(HIKARIGAOKA, language, "voice"),
                                    "fee": fee_words(1500, language)})
    assert text(line, language=language, channel="voice") == said


def test_afternoon_times_and_staff_hours_are_said_in_mandarin_and_korean() -> None:
    assert time_words("13:00", "16:00", "zh", "voice") == "下午1点到4点"
    assert time_words("13:00", "16:00", "ko", "voice") == "오후 1시부터 4시까지"
    assert hours_words(OFFICE_HOURS, "zh") == "工作日上午8点30分到下午5点15分"
    assert hours_words(OFFICE_HOURS, "ko") == "평일 오전 8시 30분부터 오후 5시 15분까지"


@pytest.mark.parametrize("channel", ["voice", "sms"])
def test_a_facility_is_named_in_chinese_characters_and_in_hangul_alike_on_calls_and_texts(channel: Channel) -> None:
    assert facility_words(HIKARIGAOKA, "zh", channel) == "光丘"
    assert facility_words(HIKARIGAOKA, "ko", channel) == "히카리가오카"


def test_a_call_names_the_kind_of_place_at_its_first_mention_as_japanese_says_the_full_name() -> None:
    assert facility_words(HIKARIGAOKA, "zh", "voice", full=True) == "光丘中心"
    assert facility_words(HIKARIGAOKA, "ko", "voice", full=True) == "히카리가오카 센터"


@pytest.mark.parametrize(("key", "first"), [("3", "光丘中心，请按1。"), ("4", "1번, 히카리가오카 센터.")])
def test_the_list_of_centres_names_each_in_full_once_then_by_its_place(key: str, first: str) -> None:
    ports = FakePorts()
    state, reply = call(ports, ("language", key), *ID_PATH, ("menu", "1"), ("date", "0602"))
    assert first in said(reply)
    _state, again = step(state, Event(step="facility", digits="*"), ports)
    assert first not in said(again) and any(("光丘" in s or "히카리가오카" in s) for s in said(again))


def test_a_facility_whose_name_chinese_cannot_say_is_named_in_latin_letters() -> None:
    kids = dataclasses.replace(HIKARIGAOKA, facility_name="キッズひろば光が丘", short_name="", name_en="Kids Plaza")
    assert facility_words(kids, "zh", "voice") == "Kids Plaza"


def test_dates_in_chinese_and_korean_texts_carry_their_weekday() -> None:
    assert day_words(dt.date(2026, 6, 2), "zh", "sms") == "6月2日(周二)"
    assert day_words(dt.date(2026, 6, 2), "ko", "sms") == "6월 2일(화)"


@pytest.mark.parametrize(("said", "day"), [
    ("今天", 1), ("明天", 2), ("明天吧", 2), ("后天", 3), ("後天", 3), ("大后天", 4), ("星期三", 3), ("周五", 5),
    ("礼拜天", 7), ("星期3", 3), ("下周三", 10), ("下个星期一", 8), ("这周五", 5), ("我想预约下周二", 9),
    ("오늘", 1), ("내일", 2), ("내일이요", 2), ("내일로 해 주세요", 2), ("모레", 3), ("글피", 4), ("수요일", 3),
    ("금요일에", 5), ("다음 주 수요일", 10), ("다음주 월요일", 8), ("이번 주 금요일", 5), ("일요일", 7),
])
def test_relative_days_and_weekdays_are_understood_in_mandarin_and_korean(said: str, day: int) -> None:
    assert relative_day(said, today=dt.date(2026, 6, 1)) == dt.date(2026, 6, day)  # a Monday


@pytest.mark.parametrize("said", ["下周", "星期八", "周", "다음 주", "요일", "光丘", "히카리가오카"])
def test_words_that_name_no_day_are_not_taken_for_one(said: str) -> None:
    assert relative_day(said, today=dt.date(2026, 6, 1)) is None


@pytest.mark.parametrize(("said", "key"), [("明天", "3"), ("下周三", "3"), ("내일", "4"), ("다음 주 수요일", "4")])
def test_a_chinese_or_korean_caller_may_say_the_day_instead_of_keying_it(said: str, key: str) -> None:
    ports = FakePorts()
    state, reply = call(ports, ("language", key), *ID_PATH, ("menu", "1"))
    assert reply.ask is not None and reply.ask.step == "date"
    state, reply = step(state, Event(step="date", speech=said), ports)
    assert state.day == relative_day(said, today=ports.today()).isoformat()  # type: ignore[union-attr]
    assert reply.ask is not None and reply.ask.step == "facility"


@pytest.mark.parametrize(("key", "words"), [("3", ("明天", "星期三")), ("4", ("내일", "수요일")),
                                            ("1", ("あした", "水曜日")), ("2", ("tomorrow", "Wednesday"))])
def test_the_date_is_heard_with_the_callers_own_words_for_days_as_hints(key: str, words: tuple[str, ...]) -> None:
    _state, reply = call(FakePorts(), ("language", key), *ID_PATH, ("menu", "1"))
    assert reply.ask is not None and all(word in reply.ask.hints for word in words)
    others = {"3": "あした", "4": "あした", "1": "明天", "2": "あした"}[key]
    assert others not in reply.ask.hints


@pytest.mark.parametrize(("text", "month_day"), [("6月2号星期二", (6, 2)), ("6月2日(周二)", (6, 2)),
                                                 ("6월 2일 화요일", (6, 2)), ("6월 2일(화)", (6, 2))])
def test_a_date_with_its_weekday_in_mandarin_or_korean_is_understood(text: str, month_day: tuple[int, int]) -> None:
    assert parse_sms_date(text) == month_day


@pytest.mark.parametrize(("language", "label"), [("zh", "预约号"), ("ko", "예약번호")])
def test_a_booking_number_labelled_in_chinese_or_korean_never_reaches_the_conversation(
        monkeypatch: pytest.MonkeyPatch, language: Language, label: str) -> None:
    monkeypatch.setitem(CATALOGUES[language], "t.booked", label + " {number}")
    body = render_sms(Reply(language=language, lines=(Line("t.booked", {"number": "12345678"}),)))
    assert "12345678" not in body and body.startswith(label)


@pytest.mark.parametrize("said", ["二零二四年三月一号", "两千零二十四年三月一号", "2024年3月1号",
                                  "이천이십사년 삼월 일일", "2024년 3월 1일이요", "2024년3월1일입니다"])
def test_a_birthdate_said_in_mandarin_or_korean_numbers_or_with_polite_words_is_understood(said: str) -> None:
    assert parse_birthdate(said) == dt.date(2024, 3, 1)


@pytest.mark.parametrize(("said", "month_day"), [
    ("十二月三号", (12, 3)), ("6月2号吧", (6, 2)), ("我想预约6月2号", (6, 2)), ("12월 3일이요", (12, 3)),
    ("십이월 삼일", (12, 3)), ("유월 이일", (6, 2)), ("시월 이십일일", (10, 21)), ("6월 2일로 해 주세요", (6, 2)),
])
def test_a_day_said_in_mandarin_or_korean_numbers_or_with_polite_words_is_understood(
        said: str, month_day: tuple[int, int]) -> None:
    assert parse_sms_date(said) == month_day


@pytest.mark.parametrize("said", ["내일", "수요일", "오늘", "일요일", "생일"])
def test_korean_words_with_the_sound_of_a_number_are_not_taken_for_a_date(said: str) -> None:
    assert parse_sms_date(said) is None


FIVE_CENTRES = [("光が丘", "ひかりがおか", "Hikarigaoka"), ("関町", "せきまち", "Sekimachi"),
                ("大泉", "おおいずみ", "Oizumi"), ("石神井", "しゃくじい", "Shakujii"), ("練馬", "ねりま", "Nerima")]


class _FiveCentres(FakePorts):
    def options(self, *, child_id: int, day: dt.date) -> list[Option] | str:
        return [Option(10 * key + unit, key, f"{place}子ども家庭支援センター", f"{reading}こどもかていしえんせんたー",
                       unit, starts, ends, 1500, place, latin)
                for key, (place, reading, latin) in enumerate(FIVE_CENTRES, 1)
                for unit, (starts, ends) in ((1, ("09:00", "12:00")), (2, ("13:00", "16:00")))]


@pytest.mark.parametrize(("word", "place"), [("中文", "11 光丘 09:00-12:00"),
                                             ("한국어", "11 히카리가오카 09:00-12:00")])
def test_a_texted_list_of_two_units_at_five_centres_fits_four_ucs2_segments(word: str, place: str) -> None:
    ports = _FiveCentres()
    state, _reply = step(State(channel="sms"), Event(text="予約"), ports)
    for answer in (word, "高橋 陽翔", "2024/3/1", "東京都練馬区光が丘二丁目", "美咲", "1", "6/2"):
        state, reply = step(state, Event(text=answer), ports)
    body = render_sms(reply)
    assert place in body and body.count("\n") == 11 and len(body) <= 268
