"""The audit chain against someone with write access to the database (issue 9 item 9)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select
from staff_support import clock

from azukari.db import Database
from azukari.oversight import audit
from azukari.oversight.models import AuditEntry
from azukari.settings import DEMO_SECRET_KEY


def _chain(database: Database, entries: int = 5) -> audit.Head:
    now = clock().now()
    with database.unit_of_work() as session:
        for n in range(entries):
            audit.record(session, actor="bot", action="verification", now=now + dt.timedelta(seconds=n),
                         detail={"n": n})
        head = audit.head(session)
        session.commit()
    return head


def _rewrite_from_second_entry(database: Database, key: bytes) -> None:
    """What an attacker with SQL access does: change entry 2, then recompute every hash after it."""
    with database.unit_of_work() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        entries[1].action = "nothing.happened"
        prev_hash = entries[0].hash
        for entry in entries[1:]:
            entry.prev_hash = prev_hash
            entry.hash = audit._digest(key, prev_hash, entry.at, entry.actor, entry.action, entry.household_pk,
                                       entry.detail)
            prev_hash = entry.hash
        session.commit()


def test_an_untouched_chain_verifies_under_the_secret_key(database: Database) -> None:
    head = _chain(database)
    with database.unit_of_work() as session:
        assert audit.verify_chain(session, DEMO_SECRET_KEY, anchor=head) == []


def test_rewriting_entry_two_and_recomputing_the_rest_without_the_key_is_found(database: Database) -> None:
    _chain(database)
    _rewrite_from_second_entry(database, audit.chain_key("a key the attacker guessed"))
    with database.unit_of_work() as session:
        problems = audit.verify_chain(session, DEMO_SECRET_KEY)
    assert len(problems) == 4 and all("rewritten" in p for p in problems)


def test_the_same_rewrite_with_the_real_key_would_pass_so_the_key_is_what_protects(database: Database) -> None:
    _chain(database)
    _rewrite_from_second_entry(database, audit.chain_key(DEMO_SECRET_KEY))
    with database.unit_of_work() as session:
        assert audit.verify_chain(session, DEMO_SECRET_KEY) == []


def test_deleting_the_newest_entries_is_found_against_a_head_copied_out_earlier(database: Database) -> None:
    head = _chain(database)
    with database.unit_of_work() as session:
        newest = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(2)).all()
        session.execute(delete(AuditEntry).where(AuditEntry.id.in_(newest)))
        session.commit()
    with database.unit_of_work() as session:
        assert audit.verify_chain(session, DEMO_SECRET_KEY) == []  # whole, as far as it goes
        problems = audit.verify_chain(session, DEMO_SECRET_KEY, anchor=str(head))
    assert problems == ["the chain has 3 entries but the anchor counts 5: the newest entries were deleted"]


def test_a_chain_that_grew_since_the_anchor_still_reaches_it(database: Database) -> None:
    head = _chain(database)
    _chain(database, entries=2)
    with database.unit_of_work() as session:
        assert audit.verify_chain(session, DEMO_SECRET_KEY, anchor=head) == []
        assert audit.head(session).count == 7


def test_replacing_the_newest_entries_with_as_many_others_is_found_against_the_anchor(database: Database) -> None:
    head = _chain(database)
    with database.unit_of_work() as session:
        newest = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)).all()
        session.execute(delete(AuditEntry).where(AuditEntry.id.in_(newest)))
        session.commit()
    _chain(database, entries=1)
    with database.unit_of_work() as session:
        problems = audit.verify_chain(session, DEMO_SECRET_KEY, anchor=head)
    assert problems == ["entry 5 of the chain is not the one the anchor names: entries were replaced"]


def test_no_entry_is_written_without_the_secret_key(database: Database) -> None:
    keyless = Database(database.url)
    try:
        with keyless.unit_of_work() as session, pytest.raises(audit.AuditKeyMissing):
            audit.record(session, actor="bot", action="verification", now=clock().now())
    finally:
        keyless.dispose()


def test_an_anchor_is_read_back_from_the_form_it_is_printed_in() -> None:
    head = audit.Head(12, "ab" * 32)
    assert audit.Head.parse(str(head)) == head
    with pytest.raises(ValueError):
        audit.Head.parse("12:not-a-hash")
