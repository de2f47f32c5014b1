"""A facility's name in Chinese characters and in Hangul, as Chinese and Korean calls and texts say it."""
from __future__ import annotations

import pytest

from azukari.language.facility_names import chinese_name, hangul, korean_name

CENTRE = "子ども家庭支援センター"
CENTRE_READING = "こどもかていしえんせんたー"


@pytest.mark.parametrize(("kana", "korean"), [
    ("ひかりがおか", "히카리가오카"), ("ねりま", "네리마"), ("おおいずみがくえん", "오이즈미가쿠엔"),
    ("しゃくじい", "샤쿠지이"), ("せきまち", "세키마치"), ("とよたま", "도요타마"),
    ("ねりまかすがちょう", "네리마카스가초"), ("こうや", "고야"), ("とうきょう", "도쿄"), ("きゅうしゅう", "규슈"),
    ("さっぽろ", "삿포로"), ("ぐんま", "군마"), ("ヒカリガオカ", "히카리가오카"),
])
def test_a_reading_is_written_in_hangul_by_the_korean_rules_for_japanese(kana: str, korean: str) -> None:
    # か and た unaspirated at a word's start only, ん and っ as finals, long vowels unwritten.
    assert hangul(kana) == korean


def test_a_reading_with_what_the_rules_do_not_cover_has_no_hangul() -> None:
    assert hangul("ゔぁ") == "" and hangul("hikari") == ""


@pytest.mark.parametrize(("name", "chinese"), [
    (f"光が丘{CENTRE}", "光丘中心"), (f"練馬{CENTRE}", "练马中心"), ("豊玉保育園", "丰玉保育园"),
    (f"関町{CENTRE}", "关町中心"), ("代々木保育園", "代代木保育园"), ("石神井子育て支援センター", "石神井中心"),
])
def test_chinese_names_the_place_by_its_characters_simplified_without_the_joining_kana(name: str,
                                                                                      chinese: str) -> None:
    assert chinese_name(name=name, latin="x", with_kind=True) == chinese
    assert chinese_name(name=name, latin="x") == chinese.removesuffix("中心").removesuffix("保育园")


def test_a_name_with_other_kana_is_named_in_latin_letters_in_chinese() -> None:
    assert chinese_name(name="キッズひろば光が丘", latin="Kids Plaza") == "Kids Plaza"


def test_korean_names_the_place_by_its_reading_and_the_kind_of_place_in_korean() -> None:
    hikarigaoka = korean_name(name=f"光が丘{CENTRE}", reading=f"ひかりがおか{CENTRE_READING}", latin="x",
                              with_kind=True)
    assert hikarigaoka == "히카리가오카 센터"
    oizumi = {kind: korean_name(name="大泉保育園", reading="おおいずみほいくえん", latin="x", with_kind=kind)
              for kind in (True, False)}
    assert oizumi == {True: "오이즈미 보육원", False: "오이즈미"}
    assert korean_name(name="ひろば", reading="", latin="Hiroba centre") == "Hiroba centre"
