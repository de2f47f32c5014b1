"""A facility's name in Chinese characters and in Hangul, as Chinese and Korean calls and texts say it."""
from __future__ import annotations

import re
import tomllib

import pytest
from facilities_files import DEMO_FACILITIES

from azukari.language.facility_names import chinese_name, english_name, hangul, hepburn, korean_name, place_reading
from azukari.messaging.texts import short_facility_name

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


def _demo_facilities() -> list[dict[str, str]]:
    facilities: list[dict[str, str]] = tomllib.loads(DEMO_FACILITIES.read_text(encoding="utf-8"))["facility"]
    return facilities


def _old_hepburn(kana: str) -> str:
    # facility_names' own pykakasi converter before it shared `readings.romanised`, kept to prove nothing changed.
    import pykakasi

    parts = pykakasi.kakasi().convert(kana)  # type: ignore[no-untyped-call]
    romaji = "".join(str(part["hepburn"]) for part in parts).replace("-", "").replace("'", "")
    romaji = re.sub("uu", "u", re.sub("o[ou]", "o", romaji))
    return romaji.capitalize() if romaji.isascii() and romaji.isalpha() else ""


MORE_READINGS = ["こうや", "とうきょう", "しゅんいち", "ねりまかすがちょう", "しんおおくぼ", "ぐんま", "ヒカリガオカ",
                 "さっぽろ", "きゅうしゅう", "ゔぁ", "hikari", ""]


def test_the_romanised_place_of_each_demo_facility_and_more_is_what_it_was() -> None:
    kana = [place_reading(f["reading"]) for f in _demo_facilities()] + MORE_READINGS
    assert [hepburn(k) for k in kana] == [_old_hepburn(k) for k in kana]
    assert [english_name(name_en=None, reading=f["reading"]) for f in _demo_facilities()] == [
        "Hikarigaoka centre", "Sekimachi centre", "Oizumi centre", "Shakujii centre", "Nerima centre"]


@pytest.mark.parametrize("name", [f"光が丘{CENTRE}", "石神井子育て支援センター", "豊玉保育園", "大泉センター",
                                  "センター", "保育園", " 練馬センター ", "キッズひろば光が丘",
                                  "とても長い名前の施設がある町の子ども家庭支援センター"])
def test_a_texts_short_name_drops_the_same_generic_tails_as_before(name: str) -> None:
    old = name.strip()
    for suffix in ("子ども家庭支援センター", "子育て支援センター", "保育園", "センター"):
        if old.endswith(suffix) and len(old) > len(suffix):
            old = old[: -len(suffix)]
            break
    assert short_facility_name(name) == (old if len(old) <= 20 else old[:19] + "…")
