"""Names in Latin letters: residence-card names in any order, and Japanese names in any romanisation."""
from __future__ import annotations

import pytest

from azukari.identity.decision import decide
from azukari.identity.matching import grade_name, prepare_name


def _card(spoken: str, *, name: str = "NGUYEN THI LAN") -> str:
    return grade_name(prepare_name(spoken, language="en"), name=name, kana="グエン ティ ラン")


@pytest.mark.parametrize("spoken", ["Nguyen Thi Lan", "Lan Nguyen", "lan nguyen", "NGUYEN LAN", "Nguyễn Thị Lan",
                                    "Thi Lan Nguyen"])
def test_a_card_name_in_either_order_case_and_diacritics_aside_matches(spoken: str) -> None:
    assert _card(spoken) == "match"


@pytest.mark.parametrize("spoken", ["Hoa Nguyen", "Lan Tran", "Nguyen", "Lan", "Lan Nguyen Hoa", "Thi Nguyen"])
def test_another_given_name_another_family_name_a_missing_name_or_an_extra_one_fails(spoken: str) -> None:
    assert _card(spoken) == "fail"


def test_a_middle_name_left_out_is_near() -> None:
    assert _card("Anh Nguyen", name="NGUYEN MINH ANH") == "near"


def test_a_shared_middle_name_said_for_the_last_name_fails() -> None:
    # NGUYEN MINH ANH and her brother NGUYEN MINH KHOA both carry Minh: it names neither.
    assert _card("Minh Nguyen", name="NGUYEN MINH ANH") == "fail"


def test_a_family_name_particle_may_be_left_out_but_not_the_family_name() -> None:
    assert _card("Juan Cruz", name="DELA CRUZ JUAN") == "match"
    assert _card("Juan Dela", name="DELA CRUZ JUAN") == "fail"


def _ohno(spoken: str) -> str:
    return grade_name(prepare_name(spoken, language="en"), name="大野 俊一", kana="オオノ シュンイチ")


@pytest.mark.parametrize("spoken", ["Shun'ichi Ohno", "Oono Syun'iti", "Ōno Shun-ichi", "OHNO SHUNICHI",
                                    "Shun ichi Oono", "Shunichi Ouno"])
def test_a_japanese_name_in_any_common_romanisation_and_order_matches(spoken: str) -> None:
    assert _ohno(spoken) == "match"


@pytest.mark.parametrize("spoken", ["Shinichi Ono", "Shunichi Ota", "Shunichi", "Ono Shunichi Taro"])
def test_another_japanese_name_in_romaji_fails(spoken: str) -> None:
    assert _ohno(spoken) == "fail"


@pytest.mark.parametrize(("spoken", "name", "kana"), [("Yuuto Satoh", "佐藤 悠人", "サトウ ユウト"),
                                                      ("Yuuto Satou", "佐藤 悠人", "サトウ ユウト"),
                                                      ("Junko Fujita", "藤田 純子", "フジタ ジュンコ"),
                                                      ("Kanpei Hattori", "服部 寛平", "ハットリ カンペイ"),
                                                      ("Kampei Hatori", "服部 寛平", "ハットリ カンペイ")])
def test_hepburn_kunrei_and_passport_spellings_agree(spoken: str, name: str, kana: str) -> None:
    expected = "fail" if spoken == "Kampei Hatori" else "match"  # a dropped double consonant is another name
    assert grade_name(prepare_name(spoken, language="en"), name=name, kana=kana) == expected


def test_yuito_is_not_yuto() -> None:
    assert grade_name(prepare_name("Yuito Sato", language="en"), name="佐藤 悠人", kana="サトウ ユウト") == "fail"


@pytest.mark.parametrize("spoken", ["Shunichi Ono", "SHUNICHI ONO"])
def test_a_passport_spelling_that_leaves_a_long_vowel_unwritten_is_near(spoken: str) -> None:
    # Ono is how 大野 (オオノ) writes itself on a passport, and also 小野 (オノ): it could be either.
    assert _ohno(spoken) == "near"


@pytest.mark.parametrize(("spoken", "kana"), [("Kanna Sato", "サトウ カナ"), ("Kana Satou", "サトウ カンナ"),
                                              ("Yuki Satou", "サトウ ユウキ"), ("Yuuki Satou", "サトウ ユキ"),
                                              ("Kota Satou", "サトウ コウタ"), ("Hanna Satou", "サトウ ハナ"),
                                              ("Yuna Satou", "サトウ ユウナ"), ("Yuuto Sato", "サトウ ユウト"),
                                              ("Yuuto Ito", "イトウ ユウト"), ("Yuuto Kato", "カトウ ユウト")])
def test_a_reading_equal_only_once_vowel_lengths_and_double_ns_are_folded_is_at_best_near(spoken: str,
                                                                                          kana: str) -> None:
    assert grade_name(prepare_name(spoken, language="en"), name="佐藤 花子", kana=kana) == "near"


def test_folded_romaji_spends_the_one_near_so_two_such_names_are_refused() -> None:
    # Issue 28: 大野 佳奈, guardian 大野 優希; "Kanna Ono" and "Yuki Ono" were each an exact match in English.
    child, guardian = prepare_name("Kanna Ono", language="en"), prepare_name("Yuki Ono", language="en")
    decision = decide({1: grade_name(child, name="大野 佳奈", kana="オオノ カナ")}, {1: "match"},
                      {1: grade_name(guardian, name="大野 優希", kana="オオノ ユウキ")})
    assert decision.child_id is None and decision.reason == "too_many_near"


def test_near_misses_in_japanese_and_in_english_add_up() -> None:
    # おおの はるど (one slip, in Japanese) and the guardian as "Yuki Oono" (a folded given name, in English).
    child = grade_name(prepare_name("おおの はるど", language="ja"), name="大野 春斗", kana="オオノ ハルト")
    guardian = grade_name(prepare_name("Yuki Oono", language="en"), name="大野 優希", kana="オオノ ユウキ")
    assert (child, guardian) == ("near", "near")
    assert decide({1: child}, {1: "match"}, {1: guardian}).child_id is None


def test_a_passport_spelling_verifies_when_the_other_facts_are_exact() -> None:
    child = grade_name(prepare_name("YUKI OONO", language="en"), name="大野 優希", kana="オオノ ユウキ")
    guardian = grade_name(prepare_name("Kana Oono", language="en"), name="大野 佳奈", kana="オオノ カナ")
    assert (child, guardian) == ("near", "match")
    assert decide({1: child}, {1: "match"}, {1: guardian}).child_id == 1


def test_a_passport_spelling_of_a_name_registered_in_latin_letters_matches() -> None:
    assert grade_name(prepare_name("YUKI ONO", language="en"), name="ONO YUKI", kana="オオノ ユウキ") == "match"
