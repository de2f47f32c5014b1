"""Shared fixtures: a real database on SQLite and on PostgreSQL, migrated with Alembic.

On a developer's machine a missing PostgreSQL or Chromium skips the tests that need it, and
`-ra` prints why. In CI (CI=true) it fails them: a skipped race or browser test proves nothing,
and a green run without them once hid a planted race bug. What the machine offers is read in `machine.py`.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from ivr_support import MONDAY, Family, seed
from machine import CHROMIUM, PG_ADMIN_URL, unavailable
from sqlalchemy import create_engine, text

from azukari import migrate
from azukari.clock import FixedClock
from azukari.db import Database, drop_postgres_database, recreate_postgres_database
from azukari.schema import metadata
from azukari.settings import DEMO_SECRET_KEY


def _pg_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as error:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(error).__name__}: {str(error)[:120]}"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.hookimpl(tryfirst=True)  # before the item's fixtures start a server for a browser that is not there
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is absent: apt-get install -y chromium chromium-driver")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    return CHROMIUM


_created_pg: list[str] = []


@pytest.fixture(scope="session")
def pg_url() -> str:
    reason = _pg_reason()
    if reason:
        unavailable(reason)
    # Unique per run and worker: several suites may run at once on one server.
    name = f"azukari_test_{os.getpid()}_{_worker()}"
    _created_pg.append(name)
    return recreate_postgres_database(PG_ADMIN_URL, name)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("db") / "azukari.db"
    return f"sqlite:///{path}"


_migrated: dict[str, Database] = {}


def _database_for(url: str) -> Database:
    if url not in _migrated:
        database = Database(url, pool_size=30, secret_key=DEMO_SECRET_KEY)
        migrate.upgrade(database.engine)
        _migrated[url] = database
    return _migrated[url]


def _empty(database: Database) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                    + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated, empty database; every test runs on SQLite and on PostgreSQL.

    Tests commit for real (the services under test own their transactions, and races need
    real commits), so each test starts from empty tables rather than a rolled-back savepoint.
    """
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    db = _database_for(url)
    _empty(db)
    yield db
    _empty(db)


@pytest.fixture
def sqlite_database(sqlite_url: str) -> Iterator[Database]:
    db = _database_for(sqlite_url)
    _empty(db)
    yield db
    _empty(db)


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[Database]:
    db = _database_for(pg_url)
    _empty(db)
    yield db
    _empty(db)


@pytest.fixture
def clock() -> FixedClock:
    """Monday 1 June 2026, 10:00 in Tokyo (`ivr_support.MONDAY`), standing still until a test moves it.

    Files whose tests start elsewhere in time (the outbox's) define their own.
    """
    return FixedClock(MONDAY.astimezone(dt.UTC))


@pytest.fixture
def family(database: Database) -> Family:
    """One registered household with a child, and the demo facilities (committed; see `ivr_support.seed`)."""
    return seed(database)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for db in _migrated.values():
        db.dispose()
    for name in _created_pg:
        drop_postgres_database(PG_ADMIN_URL, name)
