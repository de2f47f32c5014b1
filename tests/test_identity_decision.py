"""The pass rule over grades: every field match or near, at most one near, one candidate only."""
from __future__ import annotations

from azukari.identity.decision import clean_grades, decide


def test_all_fields_matching_verifies_that_child() -> None:
    assert decide({7: "match"}, {7: "match"}, {7: "match"}).child_id == 7


def test_one_near_field_still_verifies() -> None:
    assert decide({7: "near"}, {7: "match"}, {7: "match"}).child_id == 7


def test_two_near_fields_are_refused() -> None:
    decision = decide({7: "near"}, {7: "near"}, {7: "match"})
    assert (decision.child_id, decision.reason, decision.named_child) == (None, "too_many_near", 7)


def test_a_failed_field_refuses_and_names_the_candidate_it_was_tried_against() -> None:
    decision = decide({7: "match", 8: "fail"}, {7: "fail", 8: "fail"}, {7: "match", 8: "fail"})
    assert (decision.child_id, decision.reason, decision.named_child) == (None, "address", 7)


def test_no_candidate_at_all_is_an_unknown_child() -> None:
    assert decide({}, {}, {}).reason == "unknown_child"


def test_grades_from_json_state_have_their_keys_restored_and_odd_values_failed() -> None:
    assert clean_grades({"7": "match", "8": "maybe", "x": "match"}) == {7: "match", 8: "fail"}
