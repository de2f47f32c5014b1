"""Voice, end to end over HTTP as Twilio calls: booking, the menu, cancelling, in Japanese and English."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from ivr_support import ELSEWHERE, MONDAY, PUBLIC, STAFF, TUESDAY, Family, Phone, client_for, outbox, seed

from azukari.clock import FixedClock
from azukari.db import Database

BOOKING_NUMBER = re.compile(r"予約番号 ([0-9]{6,8})|Booking number ([0-9]{6,8})")


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _verified(client: TestClient, family: Family, language: str = "1", caller: str | None = ELSEWHERE,
              sid: str = "CA" + "0" * 31 + "1") -> Phone:
    phone = Phone(client, caller=caller, sid=sid)
    phone.start()
    phone.answer("language", digits=language)
    phone.verify_by_knowledge(family)
    assert phone.step == "menu", phone.says
    return phone


def _numbers(database: Database) -> list[str]:
    return [n for m in outbox(database) for g in BOOKING_NUMBER.findall(m.body) for n in g if n]


def test_a_call_is_greeted_and_asked_for_its_language_in_each_of_the_four(client: TestClient) -> None:
    phone = Phone(client)
    phone.start()
    assert phone.step == "language"
    languages = {say.get("language") for say in phone.current.iter("Say")}  # type: ignore[union-attr]
    assert languages == {"ja-JP", "en-US", "cmn-CN", "ko-KR"}


def test_a_caller_from_another_number_books_and_the_confirmation_goes_to_the_number_on_file(
        client: TestClient, database: Database, family: Family) -> None:
    phone = _verified(client, family)
    phone.choose(TUESDAY, 1, 2)
    phone.answer("confirm", digits="1")
    messages = outbox(database)
    assert [m.to_number for m in messages] == [family.phone] and family.phone != ELSEWHERE
    assert phone.step == "next"


def test_the_confirm_prompt_reads_the_date_with_its_weekday_the_time_and_the_fee(
        client: TestClient, family: Family) -> None:
    phone = _verified(client, family)
    phone.choose(TUESDAY, 1, 2)
    spoken = " ".join(phone.says)
    assert "6月2日 火曜日" in spoken and "午後1時から4時" in spoken and "1,500円" in spoken


def test_the_booking_number_is_never_spoken(client: TestClient, database: Database, family: Family) -> None:
    phone = _verified(client, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    numbers = _numbers(database)
    assert numbers and not any(n in " ".join(phone.transcript) for n in numbers)


def test_an_english_caller_hears_english_and_is_heard_in_en_us(client: TestClient, family: Family) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="2")
    phone.answer("id_choice", digits="2")
    gather = phone.gather()
    assert gather is not None and gather.get("language") == "en-US" and gather.get("input") == "dtmf speech"
    assert "full name" in " ".join(phone.says)


def test_speech_is_gathered_in_japanese_with_a_japanese_model_and_no_profanity_filter(
        client: TestClient, family: Family) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="1")
    phone.answer("id_choice", digits="2")
    gather = phone.gather()
    assert gather is not None
    assert (gather.get("language"), gather.get("speechModel"), gather.get("profanityFilter")) == (
        "ja-JP", "googlev2_telephony", "false")
    assert gather.get("speechTimeout", "").isdigit()


def test_an_english_booking_quotes_the_fee_in_yen(client: TestClient, family: Family) -> None:
    phone = _verified(client, family, language="2")
    phone.choose(TUESDAY, 1, 1)
    spoken = " ".join(phone.says)
    assert "Tuesday, June 2" in spoken and "9 AM to 12 PM" in spoken and "1,500 yen" in spoken


def test_the_household_id_path_verifies_with_the_pin_and_the_birthdate(client: TestClient, family: Family) -> None:
    phone = Phone(client)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_id(family)
    assert phone.step == "menu"


def test_an_infant_is_quoted_the_infant_fee(database: Database) -> None:
    family = seed(database, birthdate=MONDAY.date() - dt.timedelta(days=100))
    phone = _verified(client_for(database, FixedClock(MONDAY.astimezone(dt.UTC))), family)
    phone.choose(TUESDAY, 1, 1)
    assert "2,000円" in " ".join(phone.says)


def _free_times_heard(client: TestClient, family: Family, sid: str) -> tuple[list[str], list[str]]:
    phone = Phone(client, caller=None, sid=sid)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_id(family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    facilities = phone.says
    phone.answer("facility", digits="1")
    return facilities, phone.says


def test_a_child_with_a_booking_hears_the_same_free_times_as_any_other_child(
        client: TestClient, database: Database, family: Family) -> None:
    other = seed(database, facilities=False, phone="090-1111-0002", birthdate=dt.date(2024, 4, 1))
    booker = _verified(client, family)
    booker.choose(TUESDAY, 1, 1)
    booker.answer("confirm", digits="1")
    assert _free_times_heard(client, family, "CA" + "2" * 32) == _free_times_heard(client, other, "CA" + "3" * 32)


def test_an_overlap_is_refused_at_confirm_in_the_common_words_and_its_reason_texted_to_the_number_on_file(
        client: TestClient, database: Database, family: Family) -> None:
    first = _verified(client, family)
    first.choose(TUESDAY, 1, 1)
    first.answer("confirm", digits="1")
    again = _verified(client, family, sid="CA" + "2" * 32)
    again.choose(TUESDAY, 2, 1)  # another facility, the same morning
    again.answer("confirm", digits="1")
    assert again.step == "date" and "この日時はご予約できませんでした" in " ".join(again.says)
    assert "すでに" not in " ".join(again.transcript)
    notice = outbox(database)[-1]
    assert (notice.kind, notice.to_number) == ("notice", family.phone)
    assert "6月2日" in notice.body and "09:00-12:00" in notice.body and "すでにご予約があります" in notice.body
    assert len(_numbers(database)) == 1


def test_a_day_outside_the_window_is_refused_as_a_closed_day_and_the_date_asked_again(
        client: TestClient, family: Family) -> None:
    phone = _verified(client, family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits="20270601#")
    assert phone.step == "date" and "その日は休業日です" in " ".join(phone.says)


def test_a_facility_key_not_offered_is_refused_saying_what_is_allowed(client: TestClient, family: Family) -> None:
    phone = _verified(client, family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    phone.answer("facility", digits="9")
    spoken = " ".join(phone.says)
    assert phone.step == "facility" and "お受けできません" in spoken and "は1。" in spoken


def test_menu_3_texts_the_bookings_to_the_number_on_file_and_says_only_that(
        client: TestClient, database: Database, family: Family) -> None:
    phone = _verified(client, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    again = _verified(client, family, sid="CA" + "9" * 32)
    again.answer("menu", digits="3")
    listing = outbox(database)[-1]
    assert listing.kind == "listing" and listing.to_number == family.phone
    spoken = " ".join(again.transcript)
    assert "6月2日" not in spoken and "光が丘" not in spoken and again.step == "menu"


def test_cancelling_asks_to_confirm_and_texts_the_number_on_file(
        client: TestClient, database: Database, family: Family) -> None:
    phone = _verified(client, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    number = _numbers(database)[0]
    phone.answer("next", digits="9")
    canceller = _verified(client, family, sid="CA" + "8" * 32)
    canceller.answer("menu", digits="2")
    canceller.answer("cancel_ref", digits=number + "#")
    assert canceller.step == "cancel_confirm" and number not in " ".join(canceller.says)
    canceller.answer("cancel_confirm", digits="1")
    assert outbox(database)[-1].kind == "cancellation" and canceller.step == "menu"
    assert outbox(database)[-1].to_number == family.phone


def test_an_unknown_booking_number_hears_the_same_words_as_a_cancel_that_worked(
        client: TestClient, database: Database, family: Family) -> None:
    phone = _verified(client, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    real = _numbers(database)[0]
    heard = {}
    for sid, number in (("CA" + "6" * 32, "12345678"), ("CA" + "7" * 32, real)):
        caller = _verified(client, family, sid=sid)
        caller.answer("menu", digits="2")
        caller.answer("cancel_ref", digits=number + "#")
        assert caller.step == "cancel_confirm"
        caller.answer("cancel_confirm", digits="1")
        heard[number] = caller.says
    assert heard["12345678"] == heard[real]
    kinds = [(m.kind, m.to_number) for m in outbox(database)]
    assert kinds == [("confirmation", family.phone), ("notice", family.phone), ("cancellation", family.phone)]


@pytest.mark.parametrize("language", ["1", "2"])
def test_a_cancel_by_an_unknown_booking_number_is_answered_only_that_nothing_was_changed(
        client: TestClient, database: Database, family: Family, language: str) -> None:
    caller = _verified(client, family, language=language)
    caller.answer("menu", digits="2")
    caller.answer("cancel_ref", digits="12345678#")
    caller.answer("cancel_confirm", digits="1")
    [notice] = outbox(database)
    assert notice.kind == "notice" and notice.to_number == family.phone
    # §6: no number typed, no guess at why (started, cancelled, mistyped).
    assert not re.search(r"[0-9]", notice.body), notice.body
    assert re.search(r"変更(は)?して(い)?ません|Nothing was changed", notice.body), notice.body
    assert not re.search(r"開始|取消済|番号違い|started|already|wrong", notice.body), notice.body


def test_a_landline_household_never_hears_of_sms_and_is_told_it_will_be_called(
        database: Database, clock: FixedClock) -> None:
    landline = seed(database, phone="03-3333-0001")
    client = client_for(database, clock)
    phone = _verified(client, landline)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    assert "お電話でお知らせします" in " ".join(phone.says)
    phone.answer("next", digits="9")
    again = _verified(client, landline, sid="CA" + "5" * 32)
    again.answer("menu", digits="3")
    again.answer("menu", digits="2")
    again.answer("cancel_ref", digits="12345678#")
    again.answer("cancel_confirm", digits="1")
    assert [s for s in phone.transcript + again.transcript if "SMS" in s] == []


def test_pressing_three_again_within_the_hour_sends_no_second_list_and_sounds_the_same(
        client: TestClient, database: Database, family: Family) -> None:
    first = _verified(client, family)
    first.answer("menu", digits="3")
    heard = first.says
    again = _verified(client, family, sid="CA" + "4" * 32)
    again.answer("menu", digits="3")
    assert again.says == heard
    assert [m.kind for m in outbox(database)] == ["listing"]


def test_star_repeats_the_menu(client: TestClient, family: Family) -> None:
    phone = _verified(client, family)
    menu = phone.says[-1]
    phone.answer("menu", digits="*")
    assert phone.step == "menu" and phone.says == [menu]


def test_a_silence_reasks_once_and_the_second_in_a_row_is_put_through_to_staff(
        client: TestClient, family: Family) -> None:
    phone = Phone(client)
    phone.start()
    phone.silence()
    assert phone.step == "language"
    phone.silence()
    assert phone.dialled() == [STAFF] and "職員におつなぎします" in " ".join(phone.says)


def test_after_a_booking_9_ends_the_call(client: TestClient, family: Family) -> None:
    phone = _verified(client, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    phone.answer("next", digits="9")
    assert phone.hung_up


def test_confirm_2_chooses_again_and_books_nothing(client: TestClient, database: Database, family: Family) -> None:
    phone = _verified(client, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="2")
    assert phone.step == "date" and outbox(database) == []


def test_every_gather_action_is_an_absolute_public_url_with_its_turn(client: TestClient) -> None:
    phone = Phone(client)
    phone.start()
    gather = phone.gather()
    assert gather is not None and gather.get("action", "").startswith(f"{PUBLIC}/twilio/voice/language?t=")


def test_every_text_a_call_queues_is_marked_to_wait_for_that_call_and_no_other(
        client: TestClient, database: Database, family: Family) -> None:
    booker, lister, refused, canceller = ("CA" + digit * 32 for digit in "2345")
    phone = _verified(client, family, sid=booker)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    number = _numbers(database)[0]
    _verified(client, family, sid=lister).answer("menu", digits="3")
    for sid, typed in ((refused, "12345678"), (canceller, number)):
        caller = _verified(client, family, sid=sid)
        caller.answer("menu", digits="2")
        caller.answer("cancel_ref", digits=typed + "#")
        caller.answer("cancel_confirm", digits="1")
    assert [(m.kind, m.after_call) for m in outbox(database)] == [
        ("confirmation", booker), ("listing", lister), ("notice", refused), ("cancellation", canceller)]
