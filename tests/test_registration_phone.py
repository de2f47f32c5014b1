"""Phone numbers: the number on file as E.164, and Twilio's `From` field."""
from __future__ import annotations

import pytest

from azukari.households.phone import caller_number, to_e164


@pytest.mark.parametrize("text", ["090-1234-5678", "09012345678", "+819012345678", "+81 90 1234 5678",
                                  "０９０－１２３４－５６７８", "090ー1234ー5678", " 090 1234 5678 "])
def test_a_japanese_mobile_number_in_any_usual_spelling_becomes_e164(text: str) -> None:
    assert to_e164(text) == "+819012345678"


def test_a_tokyo_landline_becomes_e164() -> None:
    assert to_e164("03-1234-5678") == "+81312345678"


@pytest.mark.parametrize("text", ["", "abc", "090-1234-567", "0000-00-0000", "12"])
def test_an_impossible_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        to_e164(text)


@pytest.mark.parametrize("raw", [None, "", "anonymous", "Anonymous", "+266696687", "Restricted", "Unknown",
                                 "garbage", "client:alice"])
def test_a_missing_or_withheld_caller_is_anonymous(raw: str | None) -> None:
    assert caller_number(raw) == "anonymous"


def test_a_caller_with_a_number_is_known_by_its_e164_form() -> None:
    assert caller_number("+819012345678") == "+819012345678"
