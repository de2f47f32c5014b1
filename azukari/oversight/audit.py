"""The audit trail: append-only, each entry keyed-hashing the previous one, anchored by a head kept outside.

Two attacks by someone who can write to the database (issue 9 item 9):
- rewriting an entry and recomputing every hash after it: the hashes are HMACs under a key derived
  from AZUKARI_SECRET_KEY, which the database does not hold, so the recomputed ones do not verify;
- deleting the newest entries: the remaining chain is whole, so only a head (entry count + last
  hash) copied out of the database earlier — from the audit page, an export or a deletion
  certificate — shows that entries are missing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from azukari.db import SECRET_KEY_INFO
from azukari.oversight.models import AuditChange, AuditEntry

GENESIS = "0" * 64
# An arbitrary constant key for PostgreSQL's advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 0x617A756B  # "azuk"


class AuditKeyMissing(RuntimeError):
    """An audit entry was about to be written without the secret key: refuse rather than write it unkeyed."""


@dataclass(frozen=True)
class Head:
    """The chain's anchor: how many entries it has and the hash of the last one."""

    count: int
    hash: str

    def __str__(self) -> str:
        return f"{self.count}:{self.hash}"

    @classmethod
    def parse(cls, value: str) -> Head:
        count, _, digest = value.strip().partition(":")
        if not count.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError("an audit head looks like 1234:<64 hex digits>")
        return cls(int(count), digest)


def chain_key(secret_key: str) -> bytes:
    # Derived, so the audit chain never shares a MAC key with sealing or receipts digests.
    return hmac.new(secret_key.encode(), b"azukari audit chain v1", hashlib.sha256).digest()


def _digest(key: bytes, prev_hash: str, at: dt.datetime, actor: str, action: str, household_pk: int | None,
            detail: dict[str, object]) -> str:
    payload = json.dumps([prev_hash, at.astimezone(dt.UTC).isoformat(timespec="microseconds"), actor, action,
                          household_pk, detail], ensure_ascii=False, sort_keys=True, default=str)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _session_secret(session: Session) -> str:
    secret = session.info.get(SECRET_KEY_INFO)
    if not isinstance(secret, str) or not secret:
        raise AuditKeyMissing("the audit chain needs AZUKARI_SECRET_KEY: build Database(..., secret_key=...)")
    return secret


def _session_key(session: Session) -> bytes:
    return chain_key(_session_secret(session))


NUMBER_DIGEST_PREFIX = "h:"
_NOT_A_NUMBER = ("", "anonymous")


def number_digest(secret_key: str, number: str) -> str:
    """A calling number as `h:` and 24 hex digits of HMAC-SHA256 under AZUKARI_SECRET_KEY (32 characters).

    The same number always gives the same digest, so staff still see one number trying several households;
    nobody holding the database alone can turn it back into the number. Withheld numbers stay as they are.
    """
    if number in _NOT_A_NUMBER or number.startswith(NUMBER_DIGEST_PREFIX):
        return number
    digest = hmac.new(secret_key.encode(), number.encode(), hashlib.sha256).hexdigest()
    return NUMBER_DIGEST_PREFIX + digest[:24]


def caller_digest(session: Session, number: str) -> str:
    """`number_digest` under the session's key: what an audit entry holds instead of a calling number.

    An entry is part of a keyed hash chain, so it is written once and never rewritten: a number in it would
    be kept as long as the log (the 90-day pseudonymisation of attempts could not reach it without breaking
    the chain, or teaching the check to accept a changed entry). The digest is what the attempt row's own
    number becomes after 90 days (`erasure.pseudonyms`), so the two can still be matched.
    """
    return number_digest(_session_secret(session), number)


def record(session: Session, *, actor: str, action: str, now: dt.datetime, household_pk: int | None = None,
           detail: dict[str, object] | None = None) -> AuditEntry:
    """Append one entry. `detail` holds ids and outcomes, never names, addresses or speech.

    Call it last in a transaction, after any row locks the use case takes: on PostgreSQL it
    holds the chain's advisory lock until commit, and taking row locks after it could deadlock
    with a booking that took them first.
    """
    key = _session_key(session)
    if session.get_bind().dialect.name == "postgresql":
        # Two transactions appending at once would both chain onto the same last entry.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    # SQLite: every write transaction already holds the database's write lock (BEGIN IMMEDIATE).
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev_hash = last or GENESIS
    at = now.astimezone(dt.UTC)
    body = detail or {}
    entry = AuditEntry(at=at, actor=actor, action=action, household_pk=household_pk, detail=body,
                       prev_hash=prev_hash, hash=_digest(key, prev_hash, at, actor, action, household_pk, body))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Change:
    """One field a staff correction changed, its values as they were and as they are."""

    field: str
    before: object
    after: object


# Fields whose values identify a person: the audit keeps only a masked form of them (issue 27, item 3).
MASKED = frozenset({"name", "kana", "guardian_name", "guardian_kana", "address", "phone"})


def shown_value(field: str, value: object) -> str:
    """What the audit keeps of a value: dates, codes and numbers as they are; names and readings as the first
    character of each word (髙橋 陽翔 → 髙＊ 陽＊), an address as its first three characters, a phone number
    as its last four digits."""
    text = value.isoformat() if isinstance(value, dt.date) else "" if value is None else str(value)
    if field not in MASKED or not text:
        return text[:200]
    if field == "phone":
        return "＊＊＊" + text[-4:]
    if field == "address":
        return text[:3] + "…"
    return " ".join(word[0] + "＊" * (len(word) - 1) for word in text.split())


def record_changes(session: Session, entry: AuditEntry, changes: list[Change]) -> None:
    """Keep the before/after of `entry`'s changes beside it (masked where they name a person)."""
    if entry.household_pk is None:
        return
    for change in changes:
        session.add(AuditChange(entry_id=entry.id, household_pk=entry.household_pk, field=change.field,
                                before=shown_value(change.field, change.before),
                                after=shown_value(change.field, change.after)))
    session.flush()


def head(session: Session) -> Head:
    """The anchor to copy out of the database now; compare it with verify_chain later."""
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return Head(count, last or GENESIS)


def verify_chain(session: Session, key: str, anchor: Head | str | None = None) -> list[str]:
    """Every way the chain fails to check out under `key` (AZUKARI_SECRET_KEY); empty when it is whole.

    With an anchor (a head copied out earlier), also that the chain still reaches it: fewer entries
    than the anchor counts, or another hash at that position, means entries were removed or replaced.
    """
    mac_key = chain_key(key)
    wanted = Head.parse(anchor) if isinstance(anchor, str) else anchor
    problems: list[str] = []
    prev_hash = GENESIS
    position = 0
    hash_at_anchor = GENESIS if wanted is not None and wanted.count == 0 else None
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        position += 1
        if entry.prev_hash != prev_hash:
            problems.append(f"entry #{entry.id} does not link to the entry before it (one was removed or inserted)")
        expected = _digest(mac_key, entry.prev_hash, entry.at, entry.actor, entry.action, entry.household_pk,
                           entry.detail)
        if not hmac.compare_digest(entry.hash, expected):
            problems.append(f"entry #{entry.id} does not match its keyed hash (it was rewritten)")
        prev_hash = entry.hash
        if wanted is not None and position == wanted.count:
            hash_at_anchor = entry.hash
    if wanted is not None:
        if position < wanted.count:
            problems.append(f"the chain has {position} entries but the anchor counts {wanted.count}: "
                            "the newest entries were deleted")
        elif hash_at_anchor != wanted.hash:
            problems.append(f"entry {wanted.count} of the chain is not the one the anchor names: "
                            "entries were replaced")
    return problems
