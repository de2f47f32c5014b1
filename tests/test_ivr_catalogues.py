"""The prompt catalogues: every language says everything Japanese says, in its own script."""
from __future__ import annotations

import re
import string

import pytest

from azukari.ivr.prompts import CATALOGUES
from azukari.ivr.replies import LANGUAGE_KEYS

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
