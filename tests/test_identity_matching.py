"""Grading names: characters or reading, the family name exact, one recognition slip in the given name."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from azukari.identity.matching import compare_kana, grade_name, prepare_name


def _grade(spoken: str) -> str:
    return grade_name(prepare_name(spoken), name="髙橋 陽翔", kana="タカハシ ハルト")


@pytest.mark.parametrize("spoken", ["髙橋 陽翔", "高橋陽翔", "たかはしはると", "タカハシ ハルト", "高橋はると",
                                    "Haruto Takahashi"])
def test_the_registered_name_in_any_script_matches(spoken: str) -> None:
    assert _grade(spoken) == "match"


def test_a_voicing_slip_in_the_given_name_is_near() -> None:
    assert _grade("高橋ハルド") == "near"


@pytest.mark.parametrize("spoken", ["佐藤陽翔", "かとうはると", "たかばしはると", "高橋", "はると"])
def test_a_wrong_missing_or_one_kana_off_family_name_fails(spoken: str) -> None:
    assert _grade(spoken) == "fail"


def test_another_given_name_one_kana_off_is_not_a_slip() -> None:
    assert compare_kana("ユウキ", "ユウコ") == "fail"


def test_one_edit_in_a_two_kana_name_is_another_name() -> None:
    assert compare_kana("ケン", "レン") == "fail" and compare_kana("ゲン", "ケン") == "fail"


def test_a_dropped_length_mark_is_a_slip() -> None:
    assert compare_kana("ユマ", "ユウマ") == "near"


def _grade_yuma(spoken: str, *, name: str = "山田 悠真", kana: str = "ヤマダ ユウマ") -> str:
    return grade_name(prepare_name(spoken), name=name, kana=kana)


def test_a_homophone_spelling_the_second_dictionary_reads_as_the_name_is_near() -> None:
    # Sudachi reads 優真 ユウシン; pykakasi's dictionary reads it ユウマ.
    assert _grade_yuma("山田優真") == "near"


def test_another_given_name_that_a_dictionary_also_files_under_the_registered_reading_fails() -> None:
    # 結翔 is ユイト; Sudachi also files it as ユウト, which once let it pass for a registered 悠人.
    assert _grade_yuma("山田結翔", name="山田 悠人", kana="ヤマダ ユウト") == "fail"


def test_a_vowel_dropped_where_it_is_not_a_length_mark_is_another_name() -> None:
    assert compare_kana("ユト", "ユイト") == "fail" and compare_kana("ユト", "ユウト") == "near"


def test_a_homophone_spelling_in_kana_family_name_order_is_near() -> None:
    assert _grade_yuma("やまだ優真") == "near"


@pytest.mark.parametrize("spoken", ["山田優", "山田優希", "山田優斗"])
def test_another_given_name_sharing_a_reading_prefix_fails(spoken: str) -> None:
    assert _grade_yuma(spoken) == "fail"


def test_a_longer_name_whose_reading_starts_with_the_registered_one_fails() -> None:
    assert _grade_yuma("山田優真", name="山田 優", kana="ヤマダ ユウ") == "fail"


def test_a_reading_neither_dictionary_gives_the_spelling_fails() -> None:
    # 勇人 is ハヤト to both readers, never ユウト.
    assert _grade_yuma("山田勇人", name="山田 悠人", kana="ヤマダ ユウト") == "fail"


def test_names_are_graded_from_several_threads_at_once() -> None:
    # The webhooks run on a thread pool: the shared dictionary's lookups must not collide.
    with ThreadPoolExecutor(max_workers=4) as pool:
        grades = list(pool.map(_grade_yuma, ["山田優真", "山田悠真"] * 20))
    assert grades == ["near", "match"] * 20
