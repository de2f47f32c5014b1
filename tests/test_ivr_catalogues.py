"""The prompt catalogues: every language says everything Japanese says, in its own script."""
from __future__ import annotations

import re
import string

import pytest

from azukari.ivr.machine.replies import LANGUAGE_KEYS
from azukari.ivr.prompts import CATALOGUES

KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Sentences that name another language's choice on purpose (the Japanese SMS welcome offers EN, ZH and KO).
MULTILINGUAL = {"sms_welcome"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_of_the_menu_has_a_catalogue() -> None:
    assert set(LANGUAGE_KEYS.values()) == set(CATALOGUES)


@pytest.mark.parametrize("language", ["en", "zh", "ko"])
def test_a_catalogue_has_every_key_of_the_japanese_one_and_no_other(language: str) -> None:
    assert sorted(set(CATALOGUES["ja"]) - set(CATALOGUES[language])) == []
    assert sorted(set(CATALOGUES[language]) - set(CATALOGUES["ja"])) == []


@pytest.mark.parametrize("language", ["en", "zh", "ko"])
def test_a_catalogue_fills_the_same_blanks_as_the_japanese_one(language: str) -> None:
    # A line left empty says nothing in that language (facility_group: a Japanese way of naming facilities).
    different = [key for key, template in CATALOGUES["ja"].items()
                 if CATALOGUES[language][key] and _fields(template) != _fields(CATALOGUES[language][key])]
    assert different == []


def test_english_prompts_carry_no_japanese_script() -> None:
    assert [key for key, text in CATALOGUES["en"].items() if JAPANESE_SCRIPT.search(text)] == []


def test_chinese_prompts_carry_no_kana_and_no_hangul() -> None:
    assert [key for key, text in CATALOGUES["zh"].items() if KANA.search(text) or HANGUL.search(text)] == []


def test_korean_prompts_carry_no_kana_and_no_chinese_characters() -> None:
    assert [key for key, text in CATALOGUES["ko"].items() if JAPANESE_SCRIPT.search(text)] == []


def test_japanese_prompts_stay_in_japanese_but_for_the_offer_of_other_languages() -> None:
    assert [key for key, text in CATALOGUES["ja"].items() if HANGUL.search(text) and key not in MULTILINGUAL] == []


@pytest.mark.parametrize("language", ["ja", "en", "zh", "ko"])
def test_each_language_offers_itself_in_its_own_words_with_its_own_key(language: str) -> None:
    key = next(k for k, v in LANGUAGE_KEYS.items() if v == language)
    assert key in CATALOGUES[language]["language.self"]


def test_chinese_says_tuoyu_for_childcare_never_tuoer_which_also_means_a_shill() -> None:
    chinese = CATALOGUES["zh"]
    assert "临时托育" in chinese["welcome"]
    assert [key for key, text in chinese.items() if "托儿" in text] == []


def test_korean_asks_for_keys_as_an_ars_line_does_but_for_the_short_language_menu_line() -> None:
    # "눌러 주세요" is how Korean phone lines ask; the one-line language menu keeps the shortest form.
    bare = [key for key, text in CATALOGUES["ko"].items() if "누르세요" in text]
    assert bare == ["language.self"]


@pytest.mark.parametrize(("language", "words"), [("zh", ("星号键", "井号键")), ("ko", ("별표", "우물 정자"))])
def test_star_and_pound_are_named_as_the_callers_phone_names_them(language: str, words: tuple[str, ...]) -> None:
    assert all(word in CATALOGUES[language]["keys_help"] for word in words)


def test_the_chinese_waiting_list_choice_says_what_it_does_not_that_the_list_is_full() -> None:
    # "候补已满的时间" was heard as "the waiting list is full"; the choice is to wait for a full time.
    assert CATALOGUES["zh"]["choice.wait"] == "登记已约满时段的候补"
