"""Verification latency, p50/p99, with 6,000 and 1,000,000 registered children, SQLite and PostgreSQL.

    .venv/bin/python bench/verify.py [--children 6000 1000000] [--samples 200]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
    .venv/bin/python bench/verify.py --corpus      # matching quality: the labelled corpus, per kind


Builds a fresh database per size and engine (bulk insert: executemany on SQLite, COPY on
PostgreSQL, one shared precomputed PIN hash; then the match keys registration stores, by the
migration's backfill), then times, each in its own unit of work with its
commit: knowledge-path successes and refusals (wrong address, unknown child), ID-path successes
and refusals (wrong PIN, unknown ID, a locked household), and as the baseline an exact indexed lookup
of the child by birthdate and name. The cases of a path are taken in turn (one sample of each, the
order rotating), so the load of a shared machine meets them alike; the spread of their medians is
printed under each path (issue 24: every outcome does the same work). Birthdates spread over six
years, as children of 0-5 in a prefecture would.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from identity_corpus import ADULT_NAMES, CHILD_NAMES, SURNAMES, TOWNS, corpus, registered_address
from identity_corpus_score import evaluate, tally

from azukari import migrate
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.households.models import Child
from azukari.households.pins import hash_pin
from azukari.identity.models import VerificationAttempt
from azukari.identity.stored_keys import backfill
from azukari.identity.throttling import HOUSEHOLD_LIMIT
from azukari.identity.verification import AttemptContext, Verified, verify_by_household_id, verify_by_knowledge
from azukari.settings import DEMO_SECRET_KEY

NOW = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
FIRST_BIRTHDAY = dt.date(2020, 6, 1)
DAYS = 6 * 365


def _rows(children: int, pin_hash: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    rng = random.Random(children)
    households, kids = [], []
    pk = 0
    while len(kids) < children:
        pk += 1
        s, sk = rng.choice(SURNAMES)
        g, gk = rng.choice(ADULT_NAMES)
        numbers = (rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 20), rng.choice([None, rng.randint(101, 905)]))
        households.append((pk, f"{pk:08d}", pin_hash, f"{s} {g}", f"{sk} {gk}", f"+8190{pk:08d}",
                           registered_address(rng.choice(TOWNS), numbers), dt.date(2026, 4, 1), False, NOW, NOW))
        for c, ck in rng.sample(CHILD_NAMES, rng.choice([1, 2, 2])):
            kids.append((len(kids) + 1, pk, f"{s} {c}", f"{sk} {ck}",
                         FIRST_BIRTHDAY + dt.timedelta(days=rng.randrange(DAYS)), ""))
    return households, kids[:children]


H_COLS = ("id, household_id, pin_hash, guardian_name, guardian_kana, phone, address, registered_on, dv_flag, "
          "created_at, updated_at")
C_COLS = "id, household_pk, name, kana, birthdate, sex"


def build(url: str, children: int, pin_hash: str) -> tuple[Database, float, float]:
    started = time.perf_counter()
    households, kids = _rows(children, pin_hash)
    database = Database(url, secret_key=DEMO_SECRET_KEY)
    migrate.upgrade(database.engine)
    raw = database.engine.raw_connection()
    cursor = raw.cursor()
    if database.dialect == "postgresql":
        with cursor.copy(f"COPY households ({H_COLS}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in households:
                copy.write_row(row)
        with cursor.copy(f"COPY children ({C_COLS}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in kids:
                copy.write_row(row)
        cursor.execute("SELECT setval('households_id_seq', %s)", (len(households),))
        cursor.execute("SELECT setval('children_id_seq', %s)", (len(kids),))
    else:
        cursor.execute("BEGIN")
        cursor.executemany(f"INSERT INTO households ({H_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           [(*r[:7], r[7].isoformat(), r[8], r[9].isoformat(sep=" "), r[10].isoformat(sep=" "))
                            for r in households])  # type: ignore[attr-defined]
        cursor.executemany(f"INSERT INTO children ({C_COLS}) VALUES (?,?,?,?,?,?)",
                           [(*r[:4], r[4].isoformat(), r[5]) for r in kids])  # type: ignore[attr-defined]
    raw.commit()
    raw.close()
    loaded = time.perf_counter()
    with database.engine.begin() as connection:
        backfill(connection)
    keyed = time.perf_counter() - loaded
    if database.dialect == "postgresql":
        # A registry in service, not one in the middle of a bulk load: statistics, visibility map and the
        # load's WAL written out, so that no sample waits on the load's checkpoint or autovacuum.
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
    else:
        raw = database.engine.raw_connection()
        raw.cursor().execute("ANALYZE")
        raw.commit()
        raw.close()
    return database, loaded - started, keyed


def timed(database: Database, work: Callable[..., object], samples: list[dict[str, object]], *,
          series: int = 0) -> list[float]:
    """Each sample in its own unit of work, from its own calling number (`series` keeps cases apart, so one
    case's refusals never throttle another's numbers)."""
    return [once(database, work, answers, series=series, i=i) for i, answers in enumerate(samples)]


def once(database: Database, work: Callable[..., object], answers: dict[str, object], *, series: int,
         i: int) -> float:
    context = AttemptContext("voice", f"+8150{series:02d}{i:06d}", f"CA{series}-{i}")
    with database.unit_of_work() as session:
        started = time.perf_counter()
        work(session, context=context, now=NOW, **answers)
        session.commit()
        return time.perf_counter() - started


def interleaved(database: Database, cases: dict[str, tuple[Callable[..., object], list[dict[str, object]]]],
                first_series: int) -> dict[str, list[float]]:
    """The cases taken in turn, one sample of each, the order rotating: a load that comes and goes meets
    every outcome alike, so the medians compare the work, not the moment each case ran."""
    names = list(cases)
    out: dict[str, list[float]] = {name: [] for name in names}
    count = min(len(answers) for _, answers in cases.values())
    for i in range(count):
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            work, answers = cases[name]
            out[name].append(once(database, work, answers[i], series=first_series + names.index(name), i=i))
    return out


def lock(database: Database, household_pks: list[int]) -> None:
    """Each household past its failure limit (counted failures from other numbers, a minute ago)."""
    with database.unit_of_work() as session:
        session.add_all([VerificationAttempt(
            at=NOW - dt.timedelta(minutes=1), channel="voice", method="id", outcome="refused", reason="pin",
            fields={}, calling_number=f"+8159{pk:07d}{n}", household_pk=pk, conversation_key=f"lock-{pk}-{n}")
            for pk in household_pks for n in range(HOUSEHOLD_LIMIT)])
        session.commit()


def _line(name: str, times: list[float]) -> float:
    ordered = sorted(times)
    p50, p99 = statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"  {name:34s} p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms")
    return p50


def lookup(session: object, *, child_name: str, birthdate: dt.date, context: object, now: object,
           **_: object) -> object:
    return session.scalar(select(Child.id).where(Child.birthdate == birthdate, Child.name == child_name))  # type: ignore[attr-defined]


def run(url: str, children: int, samples: int, pin_hash: str) -> None:
    database, built, keyed = build(url, children, pin_hash)
    rng = random.Random(1)
    with database.unit_of_work() as session:
        rows = session.execute(text(
            "SELECT c.id, c.name, c.kana, c.birthdate, h.household_id, h.address, h.guardian_name, h.id AS pk "
            "FROM children c JOIN households h ON h.id = c.household_pk WHERE c.id IN ("
            + ",".join(str(rng.randint(1, children)) for _ in range(3 * samples)) + ")")).all()
    # Half the picks are asked for; the other half's households are locked, for the locked-household case.
    picks = [r for r in rows if r.pk % 2 == 0][:samples]
    locked = [r for r in rows if r.pk % 2 == 1][:samples]
    lock(database, sorted({r.pk for r in locked}))
    know = [{"child_name": p.name.replace(" ", ""), "birthdate": _date(p.birthdate), "address": p.address,
             "guardian_name": p.guardian_name} for p in picks]
    knowledge: dict[str, tuple[Callable[..., object], list[dict[str, object]]]] = {
        "knowledge: success": (verify_by_knowledge, know),
        "knowledge: wrong address": (verify_by_knowledge, [{**k, "address": "練馬区光が丘9-9-9"} for k in know]),
        "knowledge: unknown child": (verify_by_knowledge, [{**k, "child_name": "存在しない子"} for k in know]),
    }
    by_id: dict[str, tuple[Callable[..., object], list[dict[str, object]]]] = {
        "id: success": (verify_by_household_id, [{"household_id": p.household_id, "pin": "4821",
                                                  "birthdate": _date(p.birthdate)} for p in picks]),
        "id: wrong pin": (verify_by_household_id, [{"household_id": p.household_id, "pin": "0000",
                                                    "birthdate": _date(p.birthdate)} for p in picks]),
        "id: unknown id": (verify_by_household_id, [{"household_id": "99999999", "pin": "4821",
                                                     "birthdate": _date(p.birthdate)} for p in picks]),
        "id: locked household": (verify_by_household_id, [{"household_id": p.household_id, "pin": "4821",
                                                           "birthdate": _date(p.birthdate)} for p in locked]),
    }
    print(f"\n{database.dialect}, {children:,} children (built in {built:.1f} s, match keys in {keyed:.1f} s), "
          f"{min(len(picks), len(locked))} samples each, the cases of each path taken in turn")
    with database.unit_of_work() as session:  # warm the analyser and caches outside the timings
        verify_by_knowledge(session, context=AttemptContext("voice", None, "warm"), now=NOW, **know[0])  # type: ignore[arg-type]
    _line("exact indexed lookup (baseline)", timed(database, lookup, know, series=1))
    for path, cases, first in (("knowledge", knowledge, 10), ("id", by_id, 20)):
        medians = [_line(name, times) for name, times in interleaved(database, cases, first).items()]
        spread = max(medians) - min(medians)
        print(f"  {path + ': spread of the medians':34s}     {spread * 1000:7.1f} ms "
              f"({spread / min(medians):.1%} of the fastest)")
    with database.unit_of_work() as session:
        ok = verify_by_knowledge(session, context=AttemptContext("voice", "+815000000000", "check"), now=NOW,
                                 **know[1])  # type: ignore[arg-type]
        assert isinstance(ok, Verified), "a genuine sample was refused"
        reasons = dict(session.execute(text(
            "SELECT conversation_key, reason FROM verification_attempts WHERE conversation_key IN "
            "('CA20-0', 'CA21-0', 'CA22-0', 'CA23-0')")).all())
        assert [reasons.get(f"CA{n}-0") for n in (20, 21, 22, 23)] == [
            "verified", "pin", "unknown_id", "locked_household"], reasons
    database.dispose()


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def quality() -> None:
    """False accepts and false rejects per kind of attempt, through the pure matching layer."""
    started = time.perf_counter()
    registry, attempts = corpus()
    tallies = tally(evaluate(registry, attempts))
    print(f"corpus: {len(attempts):,} attempts, {time.perf_counter() - started:.1f} s\n")
    print("| kind | attempts | accepted | false rejects | false accepts |\n|---|---:|---:|---:|---:|")
    for t in tallies:
        fr = f"{t.false_rejects} ({t.false_rejects / t.attempts:.2%})" if t.genuine else "-"
        fa = t.wrong_child if t.genuine else t.accepted
        print(f"| {t.kind} | {t.attempts:,} | {t.accepted:,} | {fr} | {fa} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", default=[6000, 1_000_000])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--corpus", action="store_true", help="matching quality per kind instead of latency")
    args = parser.parse_args()
    if args.corpus:
        quality()
        return
    pin_hash = hash_pin("4821")
    for children in args.children:
        for engine in args.engines:
            if engine == "sqlite":
                with tempfile.TemporaryDirectory(prefix="azukari-bench-") as folder:
                    run(f"sqlite:///{folder}/verify.db", children, args.samples, pin_hash)
                continue
            name = f"azukari_bench_verify_{children}"
            try:
                run(recreate_postgres_database(args.pg, name), children, args.samples, pin_hash)
            finally:
                drop_postgres_database(args.pg, name)


if __name__ == "__main__":
    main()
