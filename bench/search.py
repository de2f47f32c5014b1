"""The counter's household search at a prefecture's size, on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--households 1000000] [--runs 20] [--pg postgresql+psycopg://…/postgres]

Fills a migrated database straight through Core with generated households (one or two children each,
common family names, so a family name matches tens of thousands) and the search terms the application
keeps for them (`registration.models.search_terms`); then times `registration.search.find` for each kind
of query staff type and shows the plan of the term lookup, which must use the index.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from typing import Any

from sqlalchemy import insert, select, text

from azukari import migrate
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.households.models import Child, Household, HouseholdSearchTerm, search_terms
from azukari.registration.search import _matching_ids, find

FAMILIES = (("高橋", "タカハシ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
            ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
            ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"))
GIVEN = (("美咲", "ミサキ"), ("陽翔", "ハルト"), ("結衣", "ユイ"), ("蓮", "レン"), ("葵", "アオイ"), ("湊", "ミナト"),
         ("花子", "ハナコ"), ("直子", "ナオコ"), ("健太", "ケンタ"), ("彩", "アヤ"), ("大翔", "ヒロト"), ("凛", "リン"))
QUERIES = {
    "世帯ID": None,  # filled with a real one
    "phone 090-…": None,
    "family name, kanji variant (髙橋)": "髙橋",
    "full name, hiragana": "たかはし みさき",
    "full name, half-width kana": "ﾀｶﾊｼﾐｻｷ",
    "child, kanji": "高橋陽翔",
    "no one": "ンンンン",
}


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> Any:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _fill(database: Database, households: int) -> tuple[str, str]:
    rng = random.Random(7)
    first_id, first_phone = "", ""
    with database.engine.begin() as connection:
        for start in range(0, households, 20000):
            homes, kids, terms = [], [], []
            for n in range(start, min(start + 20000, households)):
                family, given = rng.choice(FAMILIES), rng.choice(GIVEN)
                phone = f"+8190{1000 + n // 10000:04d}{n % 10000:04d}"
                children = [(f"{family[0]} {c[0]}", f"{family[1]} {c[1]}")
                            for c in (rng.choice(GIVEN) for _ in range(rng.choice((1, 1, 2))))]
                homes.append({"id": n + 1, "household_id": str(10_000_000 + n), "pin_hash": "x",
                              "guardian_name": f"{family[0]} {given[0]}", "guardian_kana": f"{family[1]} {given[1]}",
                              "phone": phone, "address": "東京都練馬区光が丘二丁目3番1-204号",
                              "registered_on": dt.date(2026, 4, 1), "dv_flag": False,
                              "created_at": dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
                              "updated_at": dt.datetime(2026, 4, 1, tzinfo=dt.UTC)})
                kids += [{"household_pk": n + 1, "name": name, "kana": kana, "birthdate": dt.date(2024, 5, 1),
                          "sex": ""} for name, kana in children]
                terms += [{"household_pk": n + 1, "term": term} for term in search_terms(
                    guardian_name=homes[-1]["guardian_name"], guardian_kana=homes[-1]["guardian_kana"], phone=phone,
                    children=children)]
                if n == 0:
                    first_id, first_phone = homes[-1]["household_id"], "090-1000-0000"
            connection.execute(insert(Household), homes)
            for chunk in _chunks(kids):
                connection.execute(insert(Child), chunk)
            for chunk in _chunks(terms):
                connection.execute(insert(HouseholdSearchTerm), chunk)
        connection.execute(text("ANALYZE"))
    return first_id, first_phone


def _run(label: str, database: Database, households: int, runs: int) -> None:
    started = time.perf_counter()
    household_id, phone = _fill(database, households)
    print(f"\n{label}: {households} households filled in {time.perf_counter() - started:.0f} s")
    queries = {**QUERIES, "世帯ID": household_id, "phone 090-…": phone}
    print("| query | matches | p50 | max (first page of 20, with the count) |")
    print("|---|---|---|---|")
    with database.unit_of_work() as session:
        for name, query in queries.items():
            assert query is not None
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                results = find(session, query=query, today=dt.date(2026, 6, 1))
                times.append(time.perf_counter() - t)
            print(f"| {name} | {results.total} | {statistics.median(times) * 1000:.1f} ms "
                  f"| {max(times) * 1000:.1f} ms |")
        ids = _matching_ids("たかはし みさき")
        assert ids is not None
        compiled = select(HouseholdSearchTerm.household_pk).where(HouseholdSearchTerm.household_pk.in_(ids)) \
            .compile(database.engine, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN " if database.dialect == "sqlite" else "EXPLAIN "
        plan = [str(row[-1]) for row in session.execute(text(explain + str(compiled)))]
        print("plan of the name lookup:", " / ".join(line.strip() for line in plan if "term" in line.lower()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            database = Database(f"sqlite:///{folder}/search.db", secret_key="bench")
            migrate.upgrade(database.engine)
            _run("SQLite", database, args.households, args.runs)
            database.dispose()
    if args.only != "sqlite":
        url = recreate_postgres_database(args.pg, "azukari_bench_search")
        database = Database(url, secret_key="bench")
        try:
            migrate.upgrade(database.engine)
            _run("PostgreSQL", database, args.households, args.runs)
        finally:
            database.dispose()
            drop_postgres_database(args.pg, "azukari_bench_search")


if __name__ == "__main__":
    main()
