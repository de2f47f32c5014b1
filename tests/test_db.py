"""The database layer: SQLite write transactions take turns, and a lost one never wedges the queue."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from azukari.db import Database


def _create_counter(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS bump (n INTEGER)"))
        connection.execute(text("DELETE FROM bump"))
        connection.execute(text("INSERT INTO bump VALUES (0)"))


def test_sqlite_read_then_write_transactions_take_turns_and_no_update_is_lost(tmp_path: object) -> None:
    database = Database(f"sqlite:///{tmp_path}/queue.db", pool_size=20)
    _create_counter(database)
    errors: list[str] = []

    def bump() -> None:
        try:
            with database.unit_of_work() as session:
                value = session.execute(text("SELECT n FROM bump")).scalar_one()
                time.sleep(0.002)  # a read-then-write that would lose updates without the lock
                session.execute(text("UPDATE bump SET n = :n"), {"n": value + 1})
                session.commit()
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=bump) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.unit_of_work() as session:
        assert session.execute(text("SELECT n FROM bump")).scalar_one() == 40
    assert errors == []
    database.dispose()


def test_a_transaction_closed_without_commit_lets_the_next_writer_in_at_once(tmp_path: object) -> None:
    database = Database(f"sqlite:///{tmp_path}/abandon.db")
    _create_counter(database)
    session = database.sessions()
    session.execute(text("UPDATE bump SET n = 99"))
    session.close()  # neither commit nor an explicit rollback
    started = time.monotonic()
    with database.unit_of_work() as other:
        other.execute(text("UPDATE bump SET n = n + 1"))
        other.commit()
    assert time.monotonic() - started < 1.0
    with database.unit_of_work() as check:
        assert check.execute(text("SELECT n FROM bump")).scalar_one() == 1
    database.dispose()


def test_a_connection_returned_to_the_pool_mid_transaction_gives_the_writer_back(tmp_path: object) -> None:
    database = Database(f"sqlite:///{tmp_path}/checkin.db")
    _create_counter(database)
    connection = database.engine.connect()
    connection.execute(text("UPDATE bump SET n = 5"))
    connection.close()
    started = time.monotonic()
    with database.engine.begin() as again:
        again.execute(text("UPDATE bump SET n = n + 1"))
    assert time.monotonic() - started < 1.0
    database.dispose()


def test_a_failed_statement_never_carries_the_values_bound_to_it(database: Database) -> None:
    secret = "東京都練馬区光が丘二丁目3番1-204号 090-1234-5678"
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS once (v VARCHAR(200) UNIQUE)"))
    try:
        with pytest.raises(DBAPIError) as raised, database.engine.begin() as connection:
            connection.execute(text("INSERT INTO once (v) VALUES (:v)"), [{"v": secret}, {"v": secret}])
    finally:
        # The table is not the schema's: left behind, the schema test on this worker would find it.
        with database.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS once"))
    assert secret not in str(raised.value) and "090-1234-5678" not in repr(raised.value)
