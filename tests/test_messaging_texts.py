"""Every outbound text, in all four languages, within Japanese carriers' rules (contract §6)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from azukari.messaging.spoken_messages import language_of
from azukari.messaging.texts import (
    MAX_CHARS,
    BookingFacts,
    SeatFacts,
    cancellation,
    cancellation_past_deadline,
    cancellation_refused,
    cancellation_started,
    confirmation,
    expiry_notice,
    listing,
    refused_booking,
    reminder,
    seat_offer,
    short_facility_name,
    waiting,
)

# The conformance kit's own patterns.
PHONE_LIKE = re.compile(r"(?<![0-9])(?:0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}|\+?[0-9]{10,13})(?![0-9])")
BOOKING_NUMBER = re.compile(r"(?:予約番号|Booking number|预约号|예약번호)\s*[:：]?\s*([0-9]{6,8})")
# Hiragana, katakana and CJK ideographs: what an English text must never carry.
JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
LANGUAGES = ["ja", "en", "zh", "ko"]

LONGEST_NAME = "東京都練馬区立光が丘第二地域子育て支援拠点ひろば分室さくら館"  # 30 characters, no known suffix
DAY = dt.date(2026, 12, 3)
LONGEST_NAME_EN = "Hikarigaoka Second Community Childcare Plaza Annex"  # cut to 20 characters
FACTS = BookingFacts(booking_number="98765432", day=DAY, starts="13:00", ends="16:00",
                     facility_name=LONGEST_NAME, fee=2000, name_en=LONGEST_NAME_EN,
                     child_name="髙橋 陽翔", child_kana="タカハシ ハルト")
REASONS = ("overlapping", "monthly_limit", "expired_registration")
DATE_AS = {"ja": "12月3日(木)", "en": "Thu 12/3", "zh": "12月3日(周四)", "ko": "12월 3일(목)"}
TOMORROW = {"ja": "明日", "en": "tomorrow", "zh": "明天", "ko": "내일"}


def _facility(language: str) -> str:
    """Japanese texts name the facility as its sign does; a name with kana in it is in Latin letters in the others."""
    return short_facility_name(LONGEST_NAME) if language == "ja" else LONGEST_NAME_EN[:19] + "…"


def _every_text(language: str) -> list[str]:
    many = [BookingFacts(f"{n:08d}", DAY + dt.timedelta(days=n), "09:00", "12:00", FACTS.facility_name, 1500,
                         LONGEST_NAME_EN) for n in range(1, 8)]
    return [confirmation(FACTS, language), cancellation(FACTS.booking_number, DAY, language),
            *listing([FACTS], language), *listing(many, language), *listing([], language),
            *(refused_booking(day=DAY, starts="09:00", ends="12:00", facility_name=LONGEST_NAME, reason=reason,
                              language=language, name_en=LONGEST_NAME_EN) for reason in REASONS),
            cancellation_refused(language), cancellation_started("98765432", language),
            reminder(FACTS, language), cancellation_past_deadline("98765432", language)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_longer_than_two_ucs2_segments_even_for_the_longest_facility_name(language: str) -> None:
    assert len(LONGEST_NAME) == 30
    assert all(len(text) <= MAX_CHARS for text in _every_text(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_carries_anything_a_carrier_would_take_for_a_phone_number(language: str) -> None:
    assert [text for text in _every_text(language) if PHONE_LIKE.search(text)] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_confirmation_gives_booking_number_date_with_weekday_time_facility_and_fee(language: str) -> None:
    text = confirmation(FACTS, language)

    match = BOOKING_NUMBER.search(text)
    assert match is not None and match.group(1) == "98765432"
    assert DATE_AS[language] in text
    assert "13:00-16:00" in text and _facility(language) in text and "2,000" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reminder_says_tomorrow_with_booking_number_date_time_facility_and_fee(language: str) -> None:
    text = reminder(FACTS, language)

    match = BOOKING_NUMBER.search(text)
    assert match is not None and match.group(1) == "98765432"
    assert TOMORROW[language] in text and DATE_AS[language] in text
    assert "13:00-16:00" in text and _facility(language) in text and "2,000" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cancellation_gives_the_booking_number_and_the_date(language: str) -> None:
    text = cancellation("98765432", DAY, language)

    assert BOOKING_NUMBER.search(text) is not None and DATE_AS[language] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_listing_is_split_into_messages_that_keep_every_booking_number(language: str) -> None:
    many = [BookingFacts(f"{n:08d}", DAY, "09:00", "12:00", FACTS.facility_name, 1500, LONGEST_NAME_EN)
            for n in range(1, 8)]

    texts = listing(many, language)

    assert len(texts) > 1
    assert [m.group(1) for text in texts for m in BOOKING_NUMBER.finditer(text)] == [b.booking_number for b in many]


def test_the_facility_is_called_by_its_place_name() -> None:
    assert short_facility_name("光が丘子ども家庭支援センター") == "光が丘"


def test_no_english_text_carries_japanese_script() -> None:
    assert [text for text in _every_text("en") if JAPANESE_SCRIPT.search(text)] == []


def test_no_korean_text_carries_japanese_script() -> None:
    assert [text for text in _every_text("ko") if JAPANESE_SCRIPT.search(text)] == []


@pytest.mark.parametrize(("language", "label"), [("en", "Booking number 98765432"), ("zh", "预约号 98765432"),
                                                 ("ko", "예약번호 98765432"), ("ja", "予約番号 98765432")])
def test_a_confirmation_labels_the_booking_number_in_the_conversations_language(language: str, label: str) -> None:
    assert label in confirmation(FACTS, language)


@pytest.mark.parametrize(("language", "words"), [("zh", "临时托育"), ("ko", "일시보육"), ("en", "registration"),
                                                 ("ja", "事前登録")])
def test_a_registration_expiry_notice_is_in_the_households_language_with_the_last_day(language: str,
                                                                                   words: str) -> None:
    text = expiry_notice(DAY, language)
    assert words in text and DATE_AS[language] in text and len(text) <= MAX_CHARS


def test_no_chinese_or_korean_text_says_tuoer_or_a_japanese_calque() -> None:
    # 托儿 also means a shill; 今后的 and 지나 있습니다 are Japanese word for word (今後の, 過ぎています).
    said = [*_every_text("zh"), *_every_text("ko"), expiry_notice(DAY, "zh"), expiry_notice(DAY, "ko")]
    assert [text for text in said if any(w in text for w in ("托儿", "今后的", "지나 있"))] == []


HIKARIGAOKA = ("光が丘子ども家庭支援センター", "ひかりがおかこどもかていしえんせんたー", "Hikarigaoka")
# The longest place a reading gives: twelve kana of place before a generic tail.
LONG_READING = ("練馬春日町第二子ども家庭支援センター", "ねりまかすがちょうだいにこどもかていしえんせんたー", "")
UNTIL = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)  # 18:30 in Tokyo
CODE_AS = {"ja": "コード 4821", "en": "code 4821", "zh": "代码 4821", "ko": "코드 4821"}


def _seat(facility: tuple[str, str, str]) -> SeatFacts:
    name, reading, name_en = facility
    return SeatFacts(DAY, "13:00", "16:00", name, name_en, reading)


@pytest.mark.parametrize(("language", "where"), [("zh", "光丘"), ("ko", "히카리가오카"), ("ja", "光が丘"),
                                                 ("en", "Hikarigaoka")])
def test_a_confirmation_names_the_facility_in_the_script_of_its_language(language: str, where: str) -> None:
    name, reading, name_en = HIKARIGAOKA
    facts = BookingFacts("98765432", DAY, "13:00", "16:00", name, 1500, name_en, reading)
    assert where in confirmation(facts, language) and where in reminder(facts, language)
    assert where in listing([facts], language)[0]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("facility", [HIKARIGAOKA, LONG_READING, (LONGEST_NAME, "", LONGEST_NAME_EN)])
def test_waiting_and_offer_texts_fit_two_segments_and_say_date_time_facility_and_code(
        language: str, facility: tuple[str, str, str]) -> None:
    seat = _seat(facility)
    on_list, offer = waiting(seat, language), seat_offer(seat, until=UNTIL, code="4821", language=language)

    assert len(on_list) <= MAX_CHARS and len(offer) <= MAX_CHARS
    for text in (on_list, offer):
        assert DATE_AS[language] in text and "13:00-16:00" in text and not PHONE_LIKE.search(text)
    assert CODE_AS[language] in offer and "18:30" in offer


_REPLY_WORDS = re.compile(r"返信|返答|reply|respond|回复|回覆|답장|회신", re.IGNORECASE)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("facility", [HIKARIGAOKA, LONG_READING, (LONGEST_NAME, "", LONGEST_NAME_EN)])
@pytest.mark.parametrize("replies", [False, True])
def test_an_offer_says_to_call_and_press_5_then_the_code_and_asks_a_reply_only_when_replies_are_on(
        language: str, facility: tuple[str, str, str], replies: bool) -> None:
    offer = seat_offer(_seat(facility), until=UNTIL, code="4821", language=language, replies=replies)
    assert len(offer) <= MAX_CHARS and CODE_AS[language] in offer
    rest = re.sub(r"\d+\s*[:/]\s*\d+|\d+\s*[年月日월일]", " ", offer.replace("4821", " "))
    assert re.search(r"(?<![0-9])5(?![0-9])", rest)  # the key to press at the menu
    assert bool(_REPLY_WORDS.search(offer)) is replies


@pytest.mark.parametrize(("language", "where", "until"), [("zh", "光丘", "12月2日18:30"),
                                                          ("ko", "히카리가오카", "12월 2일 18:30")])
def test_chinese_and_korean_offers_name_the_facility_and_the_hour_in_their_own_words(language: str, where: str,
                                                                                    until: str) -> None:
    offer = seat_offer(_seat(HIKARIGAOKA), until=UNTIL, code="4821", language=language)
    assert where in offer and until in offer and where in waiting(_seat(HIKARIGAOKA), language)


def test_a_korean_text_spells_a_long_reading_in_hangul_within_the_limit() -> None:
    name, reading, _ = LONG_READING
    facts = BookingFacts("98765432", DAY, "13:00", "16:00", name, 2000, "", reading)
    text = confirmation(facts, "ko")
    assert "네리마카스가초다이니 " in text and len(text) <= MAX_CHARS and not JAPANESE_SCRIPT.search(text)


def test_no_chinese_text_carries_kana() -> None:
    name, reading, name_en = HIKARIGAOKA
    facts = BookingFacts("98765432", DAY, "13:00", "16:00", name, 1500, name_en, reading)
    said = [*_every_text("zh"), confirmation(facts, "zh"), waiting(_seat(HIKARIGAOKA), "zh"),
            seat_offer(_seat(HIKARIGAOKA), until=UNTIL, code="4821", language="zh")]
    assert [text for text in said if re.search(r"[\u3040-\u30ff]", text)] == []


@pytest.mark.parametrize("language", ["zh", "ko"])
def test_a_landline_hears_chinese_and_korean_texts_in_their_own_voice(language: str) -> None:
    # A Chinese text that carried 光が丘 was told apart as Japanese and read by the Japanese voice.
    name, reading, name_en = HIKARIGAOKA
    facts = BookingFacts("98765432", DAY, "13:00", "16:00", name, 1500, name_en, reading)
    said = [confirmation(facts, language), reminder(facts, language), waiting(_seat(HIKARIGAOKA), language),
            seat_offer(_seat(HIKARIGAOKA), until=UNTIL, code="4821", language=language), *_every_text(language)]
    assert {language_of(text) for text in said} == {language}


# Each language's given name of 髙橋 陽翔 / 髙橋 さくら (Hepburn or Hangul where the script cannot stand).
GIVEN = {"ja": ("陽翔", "さくら"), "en": ("Haruto", "Sakura"), "zh": ("阳翔", "Sakura"), "ko": ("하루토", "사쿠라")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_siblings_confirmations_name_each_child_by_given_name(language: str) -> None:
    sister = dataclasses.replace(FACTS, child_name="髙橋 さくら", child_kana="タカハシ サクラ")
    his, hers = confirmation(FACTS, language), confirmation(sister, language)
    assert GIVEN[language][0] in his and GIVEN[language][1] in hers and his != hers
    assert "髙橋" not in his and "タカハシ" not in his  # the given name only


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_confirmation_for_a_child_with_a_very_long_name_still_fits_and_keeps_its_number(language: str) -> None:
    long_named = dataclasses.replace(FACTS, child_name="GARCIA " + "MARIA" * 8, child_kana="ガルシア " + "マリア" * 8)
    text = confirmation(long_named, language)
    match = BOOKING_NUMBER.search(text)
    assert len(text) <= MAX_CHARS and match is not None and match.group(1) == "98765432"
    assert "Maria" in text


def test_a_chinese_confirmation_carries_no_kana_and_is_still_read_as_chinese() -> None:
    sister = dataclasses.replace(FACTS, child_name="髙橋 さくら", child_kana="タカハシ サクラ")
    assert language_of(confirmation(sister, "zh")) == "zh"
