"""The static fallback TwiML that Twilio plays when the service cannot answer."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import azukari.ivr

FALLBACK = Path(azukari.ivr.__file__).parent / "static" / "fallback.xml"


def _verbs() -> list[ET.Element]:
    root = ET.parse(FALLBACK).getroot()
    assert root.tag == "Response"
    return list(root)


def test_the_fallback_says_japanese_first_then_english_then_hangs_up() -> None:
    assert [(verb.tag, verb.get("language")) for verb in _verbs()] == [
        ("Say", "ja-JP"), ("Say", "en-US"), ("Hangup", None)]


def test_the_fallback_asks_to_call_again_and_gives_the_office_hours_in_both_languages() -> None:
    japanese, english, _ = (verb.text or "" for verb in _verbs())
    assert "おかけ直しください" in japanese and "平日" in japanese and "8時30分" in japanese
    assert "5時15分" in japanese
    assert "call again later" in english and "weekdays" in english and "8:30" in english and "5:15" in english

