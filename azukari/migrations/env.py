"""Alembic environment: the URL and connection come from `azukari.migrate`, never from an ini file."""
from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from azukari.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `azukari migrate`")
_run(connection)
