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


@pytest.mark.parametrize("spoken", ["2-3-1-204 Hikarigaoka, Nerima-ku, Tokyo", "Hikarigaoka 2-chome 3-1-204",
                                    "3-1-204, 2-chome Hikarigaoka", "hikari-ga-oka 2-3-1-204 Nerima City",
                                    "Room 204, 3-1 Hikarigaoka 2-chome, Nerima-ku, Tokyo 179-0072",
                                    "2 chome 3 ban 1 go 204 Hikarigaoka"])
def test_the_address_on_file_said_in_romaji_in_any_order_matches(spoken: str) -> None:
    assert _grade(spoken) == "match"


def test_a_romaji_address_without_the_flat_number_is_near() -> None:
    assert _grade("Hikarigaoka 2-3-1") == "near"


@pytest.mark.parametrize("spoken", ["Hikarigaoka 2-3-2-204", "Asahigaoka 2-3-1-204",
                                    "Hikarigaoka 2-3-1-204 Suginami-ku", "Hikarigaoka 2-3-1-204, Osaka-fu"])
def test_a_romaji_address_with_another_number_town_or_ward_fails(spoken: str) -> None:
    assert _grade(spoken) == "fail"


@pytest.mark.parametrize("spoken", ["Oizumigakuen-cho 4-29-19", "Ooizumi Gakuen Machi 4-29-19",
                                    "Ōizumigakuenchō 4-29-19", "Oizumi-gakuen 4-29-19"])
def test_long_vowels_and_the_town_suffix_may_be_said_either_way(spoken: str) -> None:
    assert grade_address(parse_address(spoken), parse_address("東京都練馬区大泉学園町四丁目29番19号")) == "match"


def test_a_town_is_read_as_japan_post_reads_it_not_as_the_analyser_guesses() -> None:
    # Sudachi reads 春日町 ハルヒマチ; Japan Post's kana is カスガチョウ.
    on_file = parse_address("東京都練馬区春日町三丁目1番1号")
    assert grade_address(parse_address("Kasuga-cho 3-1-1"), on_file) == "match"
    assert grade_address(parse_address("Haruhimachi 3-1-1"), on_file) == "fail"


def test_leaving_out_a_town_suffix_fails_where_it_names_another_town_of_the_ward() -> None:
    # 練馬区 has both 西大泉 and 西大泉町.
    on_file = parse_address("東京都練馬区西大泉五丁目1番1号")
    assert grade_address(parse_address("Nishi-Oizumi 5-1-1"), on_file) == "match"
    assert grade_address(parse_address("Nishioizumi-machi 5-1-1"), on_file) == "fail"


@pytest.mark.parametrize("spoken", ["东京都练马区光之丘2丁目3番1号204室", "练马区光丘2-3-1-204",
                                    "練馬區光丘二丁目3-1-204"])
def test_a_chinese_caller_may_say_the_address_in_simplified_or_traditional_forms(spoken: str) -> None:
    assert grade_address(parse_address(spoken, language="zh"), ON_FILE) == "match"


@pytest.mark.parametrize("spoken", ["练马区旭丘2-3-1-204", "杉并区光之丘2-3-1-204", "练马区光之丘2-3-2-204"])
def test_a_chinese_caller_naming_another_town_ward_or_number_fails(spoken: str) -> None:
    assert grade_address(parse_address(spoken, language="zh"), ON_FILE) == "fail"


@pytest.mark.parametrize("spoken", ["도쿄도 네리마구 히카리가오카 2초메 3-1-204", "네리마구히카리가오카 2-3-1-204",
                                    "히카리가오카 네리마구 2-3-1-204"])
def test_a_korean_caller_may_say_the_address_in_hangul(spoken: str) -> None:
    assert grade_address(parse_address(spoken, language="ko"), ON_FILE) == "match"


@pytest.mark.parametrize("spoken", ["아사히가오카 2-3-1-204", "스기나미구 히카리가오카 2-3-1-204",
                                    "히카리가오카 2-3-2-204"])
def test_a_korean_caller_naming_another_town_ward_or_number_fails(spoken: str) -> None:
    assert grade_address(parse_address(spoken, language="ko"), ON_FILE) == "fail"


def test_hangul_spellings_of_japanese_sounds_korean_lacks_still_match() -> None:
    # 土支田 is 도시다 (no voiced start in Korean), 高松 다카마쓰 (ツ as 쓰), 羽沢 하자와 (ザ as 자).
    for spoken, on_file in (("도시다 9초메 18-17", "東京都練馬区土支田九丁目18番17号"),
                            ("다카마쓰 3-1-1", "東京都練馬区高松三丁目1番1号"),
                            ("하자와 2-1-1", "東京都練馬区羽沢二丁目1番1号")):
        assert grade_address(parse_address(spoken, language="ko"), parse_address(on_file)) == "match"
