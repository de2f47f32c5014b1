"""Grading names: characters or reading, the family name exact, one recognition slip in the given name."""
from __future__ import annotations

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
