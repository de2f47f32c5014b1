"""The one wiring: a runtime built once per process, shared by the app, the jobs and the sender."""
from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from azukari.app import app_for
from azukari.clock import SystemClock
from azukari.db import Database
from azukari.runtime import build
from azukari.settings import Settings


def test_the_outbox_sender_of_a_runtime_sends_over_its_one_engine(database: Database) -> None:
    with build(Settings(database_url=database.url), database=database) as runtime:
        assert runtime.outbox_sender().database is runtime.database
        assert runtime.outbox_sender().database.engine is database.engine


def test_closing_a_runtime_leaves_a_database_it_was_given_open(database: Database) -> None:
    with build(Settings(database_url=database.url), database=database):
        pass

    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_runtime_that_built_its_database_disposes_it_when_closed(tmp_path: Path) -> None:
    runtime = build(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}"))
    with runtime.database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert runtime.database.engine.pool.checkedin() == 1

    runtime.close()

    assert runtime.database.engine.pool.checkedin() == 0
    assert isinstance(runtime.clock, SystemClock)


def test_routes_reach_the_runtime_the_app_was_built_on(database: Database) -> None:
    with build(Settings(database_url=database.url), database=database) as runtime:
        app = app_for(runtime)

        assert app.state.runtime is runtime
        assert TestClient(app).get("/healthz").text == "ok"
