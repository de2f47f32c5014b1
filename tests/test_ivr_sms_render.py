"""A reply rendered as an SMS: lines, numbered options one per line, the question; and its TwiML."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from azukari.ivr.machine.replies import Ask, Choice, Line, Reply
from azukari.ivr.prompts import CATALOGUES
from azukari.ivr.sms import render_sms, sms_twiml

# Entries of our own, so these tests do not depend on the wording of the live catalogues.
ENTRIES = {
    "ja": {"t.intro": "ご希望の施設と時間の番号を返信してください。",
           "t.intro@sms": "番号を返信してください。",
           "t.unit": "{facility} {start}-{end}",
           "t.unit@voice": "{facility}、{start}から{end}は",
           "t.booked": "ご予約を承りました。予約番号 {number} をお送りします。",
           "ask.t_confirm": "予約しますか? はい/いいえ"},
    "en": {"t.intro": "Reply with the number of the facility and time.",
           "t.unit": "{facility} {start}-{end}",
           "ask.t_confirm" + "@sms": "Book it? yes/no"},
}


@pytest.fixture(autouse=True)
def _entries(monkeypatch: pytest.MonkeyPatch) -> None:
    for language, entries in ENTRIES.items():
        for key, value in entries.items():
            monkeypatch.setitem(CATALOGUES[language], key, value)


def unit(number: str, facility: str, start: str, end: str) -> Choice:
    return Choice(number, Line("t.unit", {"facility": facility, "start": start, "end": end}))


def test_options_come_one_per_line_each_starting_with_its_number() -> None:
    reply = Reply(language="ja", lines=(Line("t.intro"),),
                  choices=(unit("11", "光が丘子ども家庭支援センター", "09:00", "12:00"),
                           unit("12", "光が丘子ども家庭支援センター", "13:00", "16:00")),
                  ask=Ask(step="t_no_question"))
    assert render_sms(reply).splitlines() == ["番号を返信してください。",
                                              "11 光が丘子ども家庭支援センター 09:00-12:00",
                                              "12 光が丘子ども家庭支援センター 13:00-16:00"]


def test_the_sms_variant_of_a_line_is_preferred_over_the_spoken_one() -> None:
    reply = Reply(language="ja", lines=(Line("t.intro"),))
    assert render_sms(reply) == "番号を返信してください。"


def test_the_question_of_the_step_comes_last_when_the_catalogue_has_one() -> None:
    reply = Reply(language="en", lines=(Line("t.intro"),), choices=(unit("1", "Sekimachi", "09:00", "12:00"),),
                  ask=Ask(step="t_confirm"))
    assert render_sms(reply).splitlines() == ["Reply with the number of the facility and time.",
                                              "1 Sekimachi 09:00-12:00", "Book it? yes/no"]


def test_an_ending_reply_is_just_its_lines() -> None:
    reply = Reply(language="en", lines=(Line("t.intro"),), end=True)
    assert render_sms(reply) == "Reply with the number of the facility and time."


def test_a_booking_number_never_reaches_the_conversation_even_if_a_line_carried_one() -> None:
    reply = Reply(language="ja", lines=(Line("t.booked", {"number": "1234567"}),))
    body = render_sms(reply)
    assert "1234567" not in body
    assert body.startswith("ご予約を承りました。")


def test_every_catalogue_key_used_by_a_reply_must_exist() -> None:
    with pytest.raises(KeyError):
        render_sms(Reply(language="ja", lines=(Line("t.no_such_prompt"),)))


def test_the_twiml_carries_the_text_as_one_message_escaped() -> None:
    body = "11 光が丘 09:00-12:00\n<b> & 'x'"
    root = ET.fromstring(sms_twiml(body))
    assert root.tag == "Response"
    assert [m.text for m in root.iter("Message")] == [body]


def test_an_empty_text_answers_with_no_message() -> None:
    root = ET.fromstring(sms_twiml(""))
    assert root.tag == "Response" and list(root) == []
