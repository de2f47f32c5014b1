"""The database: declarative base, engine per dialect and the unit of work."""
from __future__ import annotations

import copy
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _StatementsNotValues(logging.Filter):
    """Turning SQL logging on (sqlalchemy.engine at INFO or DEBUG) shows statements, never values.

    Parameters and rows are names, addresses, phone numbers: hide_parameters keeps them out of the
    parameter lines and of error messages, and this drops the "Row" lines DEBUG adds.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Row %r"


_NO_VALUES = _StatementsNotValues()


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    logging.getLogger("sqlalchemy.engine.Engine").addFilter(_NO_VALUES)  # once: addFilter ignores a repeat
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=pool_size, max_overflow=20, hide_parameters=True)
        _sqlite_takes_the_write_lock_up_front(engine)
        return engine
    # hide_parameters: a failed statement's message (logged by whoever catches it) never carries the
    # values bound to it, which are names, addresses, numbers on file and PIN hashes.
    engine = create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "handle_error", _primary_message_only)
    return engine


def _primary_message_only(context: Any) -> None:
    # PostgreSQL's DETAIL quotes the row's values ("Key (phone)=(+8190…) already exists"): keep only
    # the primary message, so the error stays the same type for whoever catches it but tells no values.
    error = context.original_exception
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    if not primary:
        return
    told = str(error)
    error.args = (primary,)
    wrapped = context.sqlalchemy_exception  # its message was built from the DBAPI error already
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        wrapped.args = (wrapped.args[0].replace(told, primary), *wrapped.args[1:])


_HOLDS_WRITER = "azukari.holds_writer_lock"
READS_ONLY = "azukari_reads_only"
_WRITER_QUEUE_SECONDS = 30.0


def _sqlite_takes_the_write_lock_up_front(engine: Engine) -> None:
    # pysqlite opens transactions lazily and DEFERRED: two writers that both read first then
    # deadlock (SQLITE_BUSY without waiting). We open every transaction ourselves with
    # BEGIN IMMEDIATE, so writers queue on busy_timeout and a read-then-write is serialised.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # SQLite's busy handler retries by sleeping, so under contention a writer can starve for
    # seconds while others get in (p99 in bench/booking_race.py). Threads of this process queue
    # on a lock instead and are woken the moment the writer before them ends; the busy timeout
    # still arbitrates between processes. The lock is given back at commit or rollback, or at the
    # latest when the connection returns to the pool, so a lost transaction cannot wedge it.
    writer = threading.Lock()

    def _release(info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_WRITER, False):
            writer.release()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READS_ONLY):
            # A page that only reads (`Database.reading`): WAL lets it read beside the writer, so it
            # neither waits for nor holds up the webhooks' writes.
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        if writer.acquire(timeout=_WRITER_QUEUE_SECONDS):
            connection.info[_HOLDS_WRITER] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except Exception:
            _release(connection.info)
            raise

    event.listen(engine, "commit", lambda connection: _release(connection.info))
    event.listen(engine, "rollback", lambda connection: _release(connection.info))
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _release(record.info))


def recreate_postgres_database(admin_url: str, name: str) -> str:
    """Drop and create database `name` on the server of `admin_url`; the new database's URL.

    For tests and benchmarks, which each want a scratch database beside the server's others.
    """
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


# Session.info key under which every session carries AZUKARI_SECRET_KEY (the audit chain is keyed with it).
SECRET_KEY_INFO = "azukari.secret_key"
# Session.info key: SMS_REPLIES (contract §1), so texts written deep in a use case (a seat offer) know
# whether they may ask for a reply. Absent: `no`, the default.
SMS_REPLIES_INFO = "azukari.sms_replies"


class Database:
    """Engine plus session factory; built by the composition root, never at import time.

    `secret_key` is the service's AZUKARI_SECRET_KEY: without it the database can be read, but no
    audit entry can be written (the chain is keyed and refuses to grow unkeyed).
    """

    def __init__(self, url: str, *, pool_size: int = 10, secret_key: str | None = None) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False,
                                     info={SECRET_KEY_INFO: secret_key} if secret_key else None)

    def with_own_sessions(self) -> Database:
        """This engine, with a session factory of its own: listeners put on it leave others' sessions be."""
        other = copy.copy(self)
        other.sessions = sessionmaker(self.engine, expire_on_commit=False, info=self.sessions.kw.get("info"))
        return other

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: the caller commits once; anything not committed is rolled back."""
        session = self.sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads (the parents' public calendar): on SQLite it takes no write lock, so
        it never queues behind a webhook's booking nor holds one up; it is never committed."""
        session = self.sessions()
        try:
            session.connection(execution_options={READS_ONLY: True})
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


_P = ParamSpec("_P")
_T = TypeVar("_T")
_log = logging.getLogger("azukari.db")


def once_more_if_disconnected(work: Callable[_P, _T]) -> Callable[_P, _T]:
    """Run `work` again, once, if its database connection dropped (a failover, a restarted server).

    For a webhook: Twilio answers a 5xx by playing its fallback, and the caller's progress is lost.
    `work` must be one unit of work that is safe to run twice: a connection lost before the commit
    rolled everything back, and one lost during the commit is met by the receipts on the second run.
    The pool is invalidated with the connection, so the second run gets a fresh one.
    """
    @functools.wraps(work)
    def retried(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return work(*args, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            _log.warning("%s: the database connection dropped; once more on a fresh one", work.__name__)
        return work(*args, **kwargs)

    return retried
