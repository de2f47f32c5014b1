"""The static fallback TwiML that Twilio plays when the service cannot answer."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

import azukari.ivr
from azukari.ivr.static_routes import FALLBACK_PATH, build_router

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



def test_the_app_router_serves_the_same_file_as_twiml_to_get_and_post() -> None:
    app = FastAPI()
    app.include_router(build_router())
    client = TestClient(app)
    for response in (client.get(FALLBACK_PATH), client.post(FALLBACK_PATH)):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/xml")
        assert response.content == FALLBACK.read_bytes()
