"""Addresses: prefixes optional, numerals and separators unified, block and house numbers exact."""
from __future__ import annotations

import pytest

from azukari.identity.address import grade_address, parse_address

ON_FILE = parse_address("東京都練馬区光が丘二丁目3番1-204号")


def _grade(spoken: str) -> str:
    return grade_address(parse_address(spoken), ON_FILE)


@pytest.mark.parametrize("spoken", ["練馬区光が丘2-3-1-204", "光ヶ丘二丁目三番一の二〇四", "光ケ丘２－３－１－２０４",
                                    "東京都 練馬区 光が丘 2丁目3番地1号 204号室", "ひかりがおか2-3-1-204"])
def test_the_address_on_file_said_another_way_matches(spoken: str) -> None:
    assert _grade(spoken) == "match"


def test_leaving_out_the_flat_number_is_near() -> None:
    assert _grade("光が丘2-3-1") == "near"


@pytest.mark.parametrize("spoken", ["光が丘2-3-2-204", "光が丘2-4-1-204", "杉並区光が丘2-3-1-204", "光が丘2-3",
                                    "西大泉2-3-1-204", "練馬区豊玉北六丁目12番1号"])
def test_a_neighbouring_number_another_ward_or_another_town_fails(spoken: str) -> None:
    assert _grade(spoken) == "fail"


def test_kanji_numerals_inside_town_names_are_left_alone() -> None:
    assert parse_address("東京都港区三田三丁目十二番十四号").town == "三田"
