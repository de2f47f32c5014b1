"""Normalisation and the kanji-variant table: the same form on both sides of a comparison."""
from __future__ import annotations

from azukari.language.normalize import kana_key, normalize_text
from azukari.language.readings import reading
from azukari.language.variants import variant_table


def test_variant_kanji_in_names_fold_to_the_common_form() -> None:
    assert normalize_text("髙橋 渡邊 齋藤 山﨑 濱田 澤田 德永") == normalize_text("高橋渡辺斎藤山崎浜田沢田徳永")


def test_spaces_of_every_width_and_variation_selectors_are_dropped() -> None:
    assert normalize_text("葛\U000e0100城\u3000 陽翔") == "葛城陽翔"


def test_hiragana_half_width_and_full_width_kana_compare_alike() -> None:
    assert normalize_text("たかはし") == normalize_text("ﾀｶﾊｼ") == "タカハシ"


def test_a_long_vowel_mark_reads_as_the_vowel_it_lengthens() -> None:
    assert kana_key("ユート") == kana_key("ゆうと") and kana_key("ヨーコ") == "ヨウコ"


def test_the_variant_table_maps_single_distinct_characters() -> None:
    table = variant_table()
    assert len(table) > 50 and all(len(chr(k)) == 1 and v != chr(k) for k, v in table.items())


def test_the_reading_of_a_variant_kanji_name_is_found_after_folding() -> None:
    assert reading(normalize_text("髙橋")) == "タカハシ"
