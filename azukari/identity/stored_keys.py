"""Match keys kept beside the registry: written when a household is written, read by verification.

Every writer of names, readings, addresses and birthdates (the counter's `registration.service`, the CSV
importer) calls `store_household_keys` once it has changed a household; `backfill` fills the table for rows
written before it existed (the migration) or in bulk (benchmarks). Readers take the candidates from
`children` itself and work out afresh the keys of any candidate whose row is missing or of another
`keys_version` (households written by the demo data or straight through the ORM), so such a row makes
verification slower, never blind to a child. A child staff removed from its registration (`Child.removed_at`)
is no candidate and has no keys: `forget_child_keys` drops its row, and `backfill` writes none.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Connection, and_, bindparam, delete, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from azukari.households.models import Child, Household
from azukari.identity.address import address_keys
from azukari.identity.keys import keys_version, name_keys, pack_address, pack_name, source_digest
from azukari.identity.models import MatchKeys

_BATCH = 5000
_Row = TypeVar("_Row")


def _source(child: Child | tuple[str, str, dt.date], household: Household | tuple[str, str, str]) -> str:
    name, kana, born = (child.name, child.kana, child.birthdate) if isinstance(child, Child) else child
    guardian, guardian_kana, address = ((household.guardian_name, household.guardian_kana, household.address)
                                        if isinstance(household, Household) else household)
    return source_digest(name, kana, born.isoformat(), guardian, guardian_kana, address)


def store_household_keys(session: Session, *households: Household) -> None:
    """Keys for each child of the households (its name, the guardian's name, the address), recomputed only
    for the rows whose registered values changed."""
    session.flush()  # ids for new households and new children
    for start in range(0, len(households), 500):  # stay under every driver's parameter limit
        _store(session, households[start:start + 500])
    session.flush()


def _store(session: Session, households: Sequence[Household]) -> None:
    children = [(c, h) for h in households for c in h.children]
    if not children:
        return
    rows = {r.child_id: r for r in session.scalars(
        select(MatchKeys).where(MatchKeys.child_id.in_([c.id for c, _ in children])))}
    version = keys_version()
    for child, household in children:
        source = _source(child, household)
        row = rows.get(child.id)
        if row is not None and row.source == source and row.version == version:
            continue
        values = {"birthdate": child.birthdate, "household_pk": household.id, "version": version,
                  "source": source, "name": pack_name(name_keys(child.name, child.kana)),
                  "guardian": pack_name(name_keys(household.guardian_name, household.guardian_kana)),
                  "address": pack_address(address_keys(household.address))}
        if row is None:
            session.add(MatchKeys(child_id=child.id, **values))
        else:
            for column, value in values.items():
                setattr(row, column, value)


def forget_child_keys(session: Session, *, child_id: int) -> None:
    """The child left the registration: its keys go (verification and duplicates no longer look at it)."""
    session.execute(delete(MatchKeys).where(MatchKeys.child_id == child_id))


def backfill(connection: Connection, *, removed_column: bool = True) -> int:
    """Keys for every current child, written afresh, in birthdate order; for the migration and bulk loads (COPY
    on PostgreSQL). Names, readings and addresses that repeat (siblings, common names) are worked out once.
    `removed_column` False: a schema older than `children.removed_at` (migration 0012), where every child is current."""
    connection.execute(delete(MatchKeys))
    version = keys_version()
    names: dict[tuple[str, str], str] = {}
    addresses: dict[str, str] = {}

    def packed_name(name: str, kana: str) -> str:
        if (name, kana) not in names:
            names[(name, kana)] = pack_name(name_keys(name, kana))
        return names[(name, kana)]

    def packed_address(address: str) -> str:
        if address not in addresses:
            addresses[address] = pack_address(address_keys(address))
        return addresses[address]

    query = (select(Child.birthdate, Child.id, Child.household_pk, Child.name, Child.kana, Household.guardian_name,
                    Household.guardian_kana, Household.address)
             .join(Household, Household.id == Child.household_pk).order_by(Child.birthdate, Child.id))
    if removed_column:
        query = query.where(Child.removed_at.is_(None))
    rows = [(born, cid, hpk, version, _source((name, kana, born), (guardian, guardian_kana, address)),
             packed_name(name, kana), packed_name(guardian, guardian_kana), packed_address(address))
            for born, cid, hpk, name, kana, guardian, guardian_kana, address in connection.execute(query)]
    names.clear()
    addresses.clear()
    columns = ("birthdate", "child_id", "household_pk", "version", "source", "name", "guardian", "address")
    if connection.dialect.name == "postgresql":
        driver = connection.connection.dbapi_connection
        assert driver is not None
        cursor = driver.cursor()
        with cursor.copy(f"COPY match_keys ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.close()
    else:
        for batch in _batches(rows):
            connection.execute(insert(MatchKeys), [dict(zip(columns, row, strict=True)) for row in batch])
    return len(rows)


def _batches(rows: Iterable[_Row]) -> Iterator[list[_Row]]:
    batch: list[_Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


# The candidates of one birthdate, with their stored name keys where a row of this version has them: the
# keys table is stored in birthdate order, so its rows of the day are a few neighbouring pages.
_CANDIDATES = (select(Child.id, MatchKeys.name)
               .outerjoin(MatchKeys, and_(MatchKeys.birthdate == Child.birthdate, MatchKeys.child_id == Child.id,
                                          MatchKeys.version == bindparam("version")))
               .where(Child.birthdate == bindparam("born"), Child.removed_at.is_(None)).order_by(Child.id))
# One column of the rows of the birthdate of a given child (the candidates of one answer share it).
_STORED = {column.key: select(MatchKeys.child_id, column).where(
    MatchKeys.birthdate == select(Child.birthdate).where(Child.id == bindparam("child")).scalar_subquery(),
    MatchKeys.version == bindparam("version")) for column in (MatchKeys.guardian, MatchKeys.address)}


def child_name_keys(session: Session, *, birthdate: dt.date) -> list[tuple[int, str]]:
    """Every child born on `birthdate` (the candidates, from `children`), with the packed keys of its name."""
    session.flush()  # plain rows, not ORM ones: nothing here is an entity
    rows = session.connection().execute(_CANDIDATES, {"born": birthdate, "version": keys_version()}).all()
    missing = [cid for cid, packed in rows if packed is None]
    computed: dict[int, str] = {}
    if missing:
        for cid, name, kana in session.execute(select(Child.id, Child.name, Child.kana).where(Child.id.in_(missing))):
            computed[cid] = pack_name(name_keys(name, kana))
    return [(cid, packed if packed is not None else computed[cid]) for cid, packed in rows
            if packed is not None or cid in computed]


def guardian_keys(session: Session, *, child_ids: Collection[int]) -> list[tuple[int, str]]:
    """The packed keys of the guardian's name of each child's household."""
    return _household_field(session, MatchKeys.guardian, child_ids, lambda h: pack_name(
        name_keys(h.guardian_name, h.guardian_kana)))


def household_address_keys(session: Session, *, child_ids: Collection[int]) -> list[tuple[int, str]]:
    """The packed keys of the address of each child's household."""
    return _household_field(session, MatchKeys.address, child_ids, lambda h: pack_address(address_keys(h.address)))


def _household_field(session: Session, column: InstrumentedAttribute[str], child_ids: Collection[int],
                     compute: Callable[[Household], str]) -> list[tuple[int, str]]:
    ids = sorted({int(c) for c in child_ids})
    if not ids:
        return []
    wanted = frozenset(ids)
    # Plain rows, not ORM ones: nothing here is an entity.
    session.flush()
    rows = session.connection().execute(_STORED[column.key], {"child": ids[0], "version": keys_version()}).all()
    stored = {cid: packed for cid, packed in rows if cid in wanted}
    missing = [cid for cid in ids if cid not in stored]
    for start in range(0, len(missing), 500):
        query = (select(Child.id, Household).join(Household, Household.id == Child.household_pk)
                 .where(Child.id.in_(missing[start:start + 500])))
        for cid, household in session.execute(query):
            stored[cid] = compute(household)
    return [(cid, stored[cid]) for cid in ids if cid in stored]
