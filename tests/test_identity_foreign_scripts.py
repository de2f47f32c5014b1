"""Chinese callers' characters in any form, and Korean callers' Hangul, against the kanji and kana on file."""
from __future__ import annotations

import pytest

from azukari.identity.matching import grade_name, prepare_name
from azukari.language.hangul import hangul_to_katakana


@pytest.mark.parametrize("spoken", ["王晓明", "王曉明", "王暁明", "王 暁明"])
def test_a_chinese_name_in_simplified_traditional_or_japanese_form_matches(spoken: str) -> None:
    assert grade_name(prepare_name(spoken, language="zh"), name="王 暁明", kana="ワン シャオミン") == "match"


def test_a_given_name_in_other_characters_of_the_same_mandarin_sound_is_near() -> None:
    # 小明 and 晓明 are both xiao3 ming2: a recogniser writes the commoner characters.
    assert grade_name(prepare_name("王小明", language="zh"), name="王 暁明", kana="ワン シャオミン") == "near"


@pytest.mark.parametrize("spoken", ["汪晓明", "王晓", "王晓敏", "王小民"])
def test_another_family_name_or_another_sound_fails(spoken: str) -> None:
    assert grade_name(prepare_name(spoken, language="zh"), name="王 暁明", kana="ワン シャオミン") == "fail"


def test_chinese_forms_are_folded_only_for_chinese_callers() -> None:
    # 晓 is not a Japanese form; a Japanese recogniser never writes it, and folding for everyone would merge
    # names that are different in Japan.
    assert grade_name(prepare_name("王晓明"), name="王 暁明", kana="オウ ギョウメイ") == "fail"


@pytest.mark.parametrize(("hangul", "katakana"), [("김민준", "キムミンジュン"), ("박지성", "パクチソン"),
                                                  ("김대중", "キムデジュン"), ("최지우", "チェジウ"),
                                                  ("이서연", "イソヨン"), ("권혁", "クォンヒョク")])
def test_hangul_is_written_as_japanese_forms_write_korean_names(hangul: str, katakana: str) -> None:
    assert hangul_to_katakana(hangul) == katakana


def test_a_korean_name_in_hangul_matches_the_korean_reading_on_file() -> None:
    assert grade_name(prepare_name("김민준", language="ko"), name="金 敏俊", kana="キム ミンジュン") == "match"


@pytest.mark.parametrize("spoken", ["김민재", "김서준", "박민준"])
def test_another_korean_name_fails(spoken: str) -> None:
    assert grade_name(prepare_name(spoken, language="ko"), name="金 敏俊", kana="キム ミンジュン") == "fail"


def test_a_korean_name_filed_under_the_japanese_reading_of_its_hanja_fails_rather_than_guesses() -> None:
    assert grade_name(prepare_name("김민준", language="ko"), name="金 敏俊", kana="キン ビンシュン") == "fail"
