"""A reply as voice TwiML: what each <Gather> waits for, barge-in, and the slowed call."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from ivr_support import MONDAY, Phone, client_for, seed

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.ivr.machine.questions import STEPS, ask
from azukari.ivr.machine.state import Option, State
from azukari.ivr.sms import render_sms
from azukari.ivr.voice import DATE_TIMEOUT, INPUT_TIMEOUT, SPEECH_MODEL, CallContext, render_voice, said
from azukari.registration.service import ChildEntry, register_household

OPTION = Option(11, 1, "光が丘子ども家庭支援センター", "ひかりがおかこどもかていしえんせんたー", 1, "09:00", "12:00",
                1500, "光が丘", "Hikarigaoka")
CONTEXT = CallContext("https://azukari.example.jp", 3, "+81333334444", "+815012345678")


def _gather(step: str, *, slow: bool = False, language: str = "ja") -> ET.Element:
    state = State(channel="voice", language="en" if language == "en" else "ja", slow=slow)
    root = ET.fromstring(render_voice(ask(state, step), CONTEXT))
    gather = root.find("Gather")
    assert gather is not None
    return gather


def test_a_date_needs_no_pound_eight_keys_end_it_and_four_end_at_the_short_pause() -> None:
    gather = _gather("date")
    assert gather.get("numDigits") == "8" and gather.get("finishOnKey") == ""
    assert gather.get("timeout") == str(DATE_TIMEOUT) and "speech" in (gather.get("input") or "")


def test_a_birthdate_is_eight_keys_or_words() -> None:
    gather = _gather("birthdate")
    assert gather.get("numDigits") == "8" and gather.get("input") == "dtmf speech"


def test_a_name_is_asked_for_in_words_with_one_key_for_0_star_and_pound() -> None:
    gather = _gather("child_name")
    assert gather.get("input") == "dtmf speech" and gather.get("numDigits") == "1"
    assert gather.get("speechModel") == SPEECH_MODEL and gather.get("language") == "ja-JP"


def test_prompts_are_inside_the_gather_so_a_key_interrupts_them() -> None:
    gather = _gather("menu")
    assert gather.find("Say") is not None


def test_a_slowed_call_is_read_with_prosody_and_waits_twice_as_long() -> None:
    gather = _gather("menu", slow=True)
    say = gather.find("Say")
    assert say is not None and say.find("prosody") is not None
    assert gather.get("timeout") == str(2 * INPUT_TIMEOUT)


def test_the_language_menu_is_one_line_per_language_each_in_its_own_voice_inside_the_gather() -> None:
    root = ET.fromstring(render_voice(ask(State(channel="voice"), "language"), CONTEXT))
    gather = root.find("Gather")
    assert gather is not None and gather.get("numDigits") == "1"
    lines = [("".join(s.itertext()), s.get("language"), s.get("voice")) for s in gather.iter("Say")]
    assert lines[-4:] == [("日本語は1を押してください。", "ja-JP", "Polly.Mizuki"),
                         ("For English, press 2.", "en-US", "Polly.Joanna"),
                         ("中文服务请按3。", "cmn-CN", "Polly.Zhiyu"),
                         ("한국어는 4번을 누르세요.", "ko-KR", "Polly.Seoyeon")]


def test_the_address_is_heard_with_the_registrys_own_towns_as_hints(database: Database) -> None:
    family = seed(database)
    later = MONDAY + dt.timedelta(minutes=37)  # hints are cached 10 minutes per engine: past any earlier test's
    with database.unit_of_work() as session:
        register_household(session, guardian_name="山田 花子", guardian_kana="ヤマダ ハナコ", phone="090-2222-0002",
                           address="東京都練馬区緑ヶ丘三丁目4番5号",
                           children=[ChildEntry(name="山田 湊", kana="ヤマダ ミナト", birthdate=dt.date(2024, 1, 2),
                                                sex="M")],
                           registered_on=MONDAY.date(), dv_flag=False, now=later.astimezone(dt.UTC))
        session.commit()
    phone = Phone(client_for(database, FixedClock(later.astimezone(dt.UTC))))
    phone.start()
    phone.answer("language", digits="1")
    phone.answer("id_choice", digits="2")
    phone.answer("child_name", speech=family.child)
    phone.answer("birthdate", digits="20240301")
    gather = phone.gather()
    assert gather is not None and phone.step == "address"
    hints = (gather.get("hints") or "").split(",")
    assert "緑ケ丘" in hints and "関町" in hints  # a town on file (normalised, in no fixed list), a short name


@pytest.mark.parametrize("language", ["ja", "en"])
# The language menu is one line per language, each in its own voice (tests/test_ivr_languages*.py).
@pytest.mark.parametrize("step", sorted(set(STEPS) - {"language"}))
def test_every_question_has_words_on_a_call_and_in_a_text(step: str, language: str) -> None:
    for channel in ("voice", "sms"):
        state = State(channel=channel, language="en" if language == "en" else "ja", day="2026-06-02",
                      options=[OPTION], facility_key=1, unit_id=OPTION.unit_id)
        reply = ask(state, step)
        words = said(reply) if channel == "voice" else [render_sms(reply)]
        assert words and all(words), (step, channel)


def _heard_as(language: str, **models: str) -> tuple[str | None, str | None]:
    from azukari.settings import Settings
    settings = Settings(**models)
    context = CallContext("https://azukari.example.jp", 3, "", None, tuple(settings.speech_models.items()))
    state = State(channel="voice", language=language)  # type: ignore[arg-type]
    gather = ET.fromstring(render_voice(ask(state, "child_name"), context)).find("Gather")
    assert gather is not None
    return gather.get("language"), gather.get("speechModel")


def test_japanese_english_and_korean_are_heard_with_googles_telephony_model_by_default() -> None:
    assert _heard_as("ja") == ("ja-JP", "googlev2_telephony")
    assert _heard_as("en") == ("en-US", "googlev2_telephony")
    assert _heard_as("ko") == ("ko-KR", "googlev2_telephony")


def test_mandarin_is_heard_with_deepgram_nova_3_in_deepgrams_own_language_code() -> None:
    assert _heard_as("zh") == ("zh-CN", "deepgram_nova-3")


def test_a_google_model_set_for_mandarin_hears_it_as_cmn_hans_cn() -> None:
    assert _heard_as("zh", speech_model_zh="default") == ("cmn-Hans-CN", "default")


def test_each_languages_model_is_a_setting_and_the_speech_timeout_stays_an_integer() -> None:
    _, model = _heard_as("en", speech_model_en="phone_call")
    assert model == "phone_call"
    settings_gather = ET.fromstring(render_voice(ask(State(channel="voice", language="en"), "child_name"), CONTEXT))
    timeout = settings_gather.find("Gather").get("speechTimeout")  # type: ignore[union-attr]
    assert timeout is not None and timeout.isdigit()


def test_a_speech_model_twilio_does_not_know_is_refused_at_start_up() -> None:
    from pydantic import ValidationError

    from azukari.settings import Settings
    with pytest.raises(ValidationError):
        Settings(speech_model_zh="googlev2 telephony; drop")


def test_the_start_up_log_names_each_languages_model() -> None:
    from azukari.server import speech_models_line
    from azukari.settings import Settings
    line = speech_models_line(Settings())
    assert "ja googlev2_telephony (ja-JP)" in line and "zh deepgram_nova-3 (zh-CN)" in line
    assert "en googlev2_telephony (en-US)" in line and "ko googlev2_telephony (ko-KR)" in line
