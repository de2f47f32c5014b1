"""The Alembic migrations and the models describe the same schema."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from azukari import migrate
from azukari.db import Database
from azukari.schema import metadata


def test_migrations_build_exactly_the_schema_the_models_describe(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def _schema(database: Database) -> tuple[set[str], dict[str, list[str]]]:
    """The applied revisions, and each table's columns."""
    with database.engine.connect() as connection:
        revisions = set(MigrationContext.configure(connection).get_current_heads())
        inspector = inspect(connection)
        return revisions, {t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()}


def test_migrating_twice_changes_nothing(database: Database) -> None:
    before = _schema(database)
    migrate.upgrade(database.engine)
    migrate.upgrade(database.engine)
    assert _schema(database) == before
    head = ScriptDirectory.from_config(migrate.alembic_config(database.engine)).get_current_head()
    assert before[0] == {head}
