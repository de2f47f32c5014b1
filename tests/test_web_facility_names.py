"""The parents' web pages name each facility as the phone says it in the page's language (contract §4, §8):
Chinese and Korean through `facility_names` as the calls and texts do, English by its Latin name."""
from __future__ import annotations

import dataclasses
import html
import re

import pytest
from ivr_support import MONDAY, TUESDAY, Family, client_for
from sqlalchemy import select

from azukari.booking import service as booking
from azukari.booking.rules import BookingRefusal
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Child
from azukari.ivr.machine.spoken import facility_words
from azukari.ivr.machine.state import Option


def _phone_options(database: Database, family: Family) -> list[Option]:
    """What the voice line offers the family's child on Tuesday, built as the line builds it."""
    with database.unit_of_work() as session:
        child = session.scalars(select(Child).where(Child.household_pk == family.household_pk)).one()
        found = booking.options_for(session, child_id=child.id, day=TUESDAY, now=MONDAY)
    assert not isinstance(found, BookingRefusal)
    return [Option(**dataclasses.asdict(o)) for o in found]


def _headings(page: str) -> dict[str, str]:
    """Each facility's heading as read (the `lang="ja"` mark around a Japanese name is markup, not words)."""
    return {key: html.unescape(re.sub(r"<[^>]+>", "", text))
            for key, text in re.findall(r'<h2 id="facility-(\d+)">(.*?)</h2>', page)}


@pytest.mark.parametrize("lang", ["en", "zh", "ko"])
def test_the_availability_page_names_each_facility_as_the_phone_says_it_first(
        database: Database, clock: FixedClock, family: Family, lang: str) -> None:
    headings = _headings(client_for(database, clock).get(f"/?lang={lang}").text)
    options = {str(o.facility_key): o for o in _phone_options(database, family)}
    assert len(options) == 5 and set(headings) == set(options)
    for key, option in options.items():
        assert headings[key].startswith(facility_words(option, lang, "voice", full=True)), (lang, headings[key])


def test_the_chinese_and_korean_pages_use_their_own_script_and_keep_the_japanese_name_on_the_sign(
        database: Database, clock: FixedClock, family: Family) -> None:
    web = client_for(database, clock)
    assert _headings(web.get("/?lang=zh").text)["1"] == "光丘中心 (光が丘子ども家庭支援センター)"
    assert _headings(web.get("/?lang=ko").text)["1"] == "히카리가오카 센터 (光が丘子ども家庭支援センター)"
    assert '(<span lang="ja">光が丘子ども家庭支援センター</span>)' in web.get("/?lang=zh").text


def test_the_japanese_page_names_each_facility_as_the_texts_do_in_full(
        database: Database, clock: FixedClock, family: Family) -> None:
    headings = _headings(client_for(database, clock).get("/?lang=ja").text)
    for option in _phone_options(database, family):
        assert headings[str(option.facility_key)] == facility_words(option, "ja", "sms", full=True)
