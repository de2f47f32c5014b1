"""Caller verification, channel-neutral: grade each answer as it arrives, then decide once."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from azukari.clock import tokyo_date
from azukari.households.models import Child, Household
from azukari.households.phone import caller_number
from azukari.households.pins import DUMMY_HASH, verify_pin
from azukari.identity import stored_keys, throttling
from azukari.identity.address import grade_addresses as grade_address_keys
from azukari.identity.address import parse_address
from azukari.identity.attempts import conclude
from azukari.identity.decision import clean_grades, decide
from azukari.identity.matching import Grade, grade_names, prepare_name
from azukari.identity.outcomes import REFUSED, AttemptContext, Outcome, Refused, Verified

__all__ = ["REFUSED", "AttemptContext", "Grade", "Outcome", "Refused", "Verified", "decide_by_knowledge",
           "grade_addresses", "grade_child_names", "grade_guardians", "verify_by_household_id",
           "verify_by_knowledge"]


_NO_CHILD = -1  # a child id no row has
# A child staff removed between the answers (graded one webhook at a time) and the decision names no household.
_HOUSEHOLD_OF_CHILD = select(Household).join(Child, Child.household_pk == Household.id).where(
    Child.id == bindparam("child"), Child.removed_at.is_(None))


def grade_child_names(session: Session, *, birthdate: dt.date, spoken: str, language: str = "ja"
                      ) -> dict[int, Grade]:
    """The exact birthdate picks the candidates; only their names are graded (never the whole registry).

    `language` is the caller's (ja, en, zh, ko): Chinese callers' characters are compared in any Chinese
    form, Korean callers' Hangul by its katakana, and Latin letters in any language. Every candidate is
    graded, in bulk, against the keys stored at registration (`identity.stored_keys`).
    """
    said = prepare_name(spoken, language=language)
    candidates = stored_keys.child_name_keys(session, birthdate=birthdate)
    return dict(zip([cid for cid, _ in candidates], grade_names(said, [k for _, k in candidates]), strict=True))


def grade_addresses(session: Session, *, child_ids: Collection[int], spoken: str, language: str = "ja"
                    ) -> dict[int, Grade]:
    if not child_ids:
        return {}
    said = parse_address(spoken, language=language)
    candidates = stored_keys.household_address_keys(session, child_ids=child_ids)
    return dict(zip([cid for cid, _ in candidates], grade_address_keys(said, [k for _, k in candidates]),
                    strict=True))


def grade_guardians(session: Session, *, child_ids: Collection[int], spoken: str, language: str = "ja"
                    ) -> dict[int, Grade]:
    if not child_ids:
        return {}
    said = prepare_name(spoken, language=language)
    candidates = stored_keys.guardian_keys(session, child_ids=child_ids)
    return dict(zip([cid for cid, _ in candidates], grade_names(said, [k for _, k in candidates]), strict=True))


def decide_by_knowledge(session: Session, *, child_grades: Mapping[int, Grade], address_grades: Mapping[int, Grade],
                        guardian_grades: Mapping[int, Grade], context: AttemptContext, now: dt.datetime) -> Outcome:
    """Throttles first, then the pass rule; records the attempt and its audit entry either way."""
    caller = caller_number(context.calling_number)
    decision = decide(clean_grades(child_grades), clean_grades(address_grades), clean_grades(guardian_grades))
    # One statement whether or not the answers named a child: a refusal costs what a success costs.
    household = session.scalars(_HOUSEHOLD_OF_CHILD, {"child": decision.named_child if decision.named_child
                                                      is not None else _NO_CHILD}).first()
    # The household's count is read whatever the answers named (nothing, when they named no one), so that a
    # refusal costs what a success costs.
    caller_locked, household_locked = throttling.caller_and_household_locks(
        session, calling_number=caller, conversation_key=context.conversation_key,
        household_pk=household.id if household is not None else throttling.NO_HOUSEHOLD, now=now)
    reason = caller_locked or decision.reason
    if reason == "verified" and household is None:  # the child was removed from its registration meanwhile
        reason = "unknown_child"
    if household is not None and caller_locked is None and household_locked:
        reason = "locked_household"
    if reason == "verified" and household is not None and household.valid_until() < tokyo_date(now):
        reason = "expired"
    return conclude(session, method="knowledge", reason=reason, fields=dict(decision.fields), household=household,
                    child_id=decision.child_id, channel=context.channel, calling_number=caller,
                    conversation_key=context.conversation_key, now=now)


def verify_by_knowledge(session: Session, *, child_name: str, birthdate: dt.date, address: str, guardian_name: str,
                        context: AttemptContext, now: dt.datetime, language: str = "ja") -> Outcome:
    """The four steps at once, as the conversation layer runs them one webhook at a time."""
    children = grade_child_names(session, birthdate=birthdate, spoken=child_name, language=language)
    return decide_by_knowledge(
        session, child_grades=children,
        address_grades=grade_addresses(session, child_ids=children, spoken=address, language=language),
        guardian_grades=grade_guardians(session, child_ids=children, spoken=guardian_name, language=language),
        context=context, now=now)


def verify_by_household_id(session: Session, *, household_id: str, pin: str, birthdate: dt.date,
                           context: AttemptContext, now: dt.datetime) -> Outcome:
    """Household ID + phone PIN + the child's birthdate: every outcome does the same work.

    An unknown ID, a wrong PIN, a locked household and a success each run one argon2 verify (an unknown
    ID against `DUMMY_HASH`) and the same statements, in the same order: the household, its children of
    that birthdate, both lock counts in one statement (a household key no row has for an unknown ID),
    then the attempt's record (tests/test_identity_verification.py counts them per outcome).
    """
    caller = caller_number(context.calling_number)
    household = session.scalar(_HOUSEHOLD_BY_ID, {"household_id": household_id.strip()})
    household_pk = household.id if household is not None else throttling.NO_HOUSEHOLD
    # Always one argon2 verify, whatever is wrong, so a refusal takes as long as a success.
    pin_ok = verify_pin(household.pin_hash if household is not None else DUMMY_HASH, pin)
    children = list(session.scalars(_CHILDREN_BORN, {"household": household_pk, "birthdate": birthdate}))
    fields = {"household_id": "match" if household is not None else "fail",
              "pin": "match" if pin_ok and household is not None else "fail",
              "birthdate": "match" if children else "fail"}
    caller_locked, household_locked = throttling.caller_and_household_locks(
        session, calling_number=caller, conversation_key=context.conversation_key, household_pk=household_pk,
        now=now)
    reason = caller_locked
    if reason is None and household is not None and household_locked:
        reason = "locked_household"
    if reason is None:
        reason = ("unknown_id" if household is None else "pin" if not pin_ok else "birthdate" if not children
                  else "twins" if len(children) > 1 else "verified")
    if reason == "verified" and household is not None and household.valid_until() < tokyo_date(now):
        reason = "expired"
    return conclude(session, method="id", reason=reason, fields=fields, household=household,
                    child_id=children[0].id if len(children) == 1 else None, channel=context.channel,
                    calling_number=caller, conversation_key=context.conversation_key, now=now)


_HOUSEHOLD_BY_ID = select(Household).where(Household.household_id == bindparam("household_id"))
# The household's current children only: a child staff removed from the registration verifies no one.
_CHILDREN_BORN = select(Child).where(Child.household_pk == bindparam("household"),
                                     Child.birthdate == bindparam("birthdate"),
                                     Child.removed_at.is_(None)).order_by(Child.id)
