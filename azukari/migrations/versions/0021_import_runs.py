"""import_runs: who runs a console import, and when it last said it was alive

Revision ID: import_runs_1
Revises: registry3_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from azukari.db import UTCDateTime

revision: str = 'import_runs_1'
down_revision: str | None = 'registry3_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('import_uploads') as batch:
        batch.add_column(sa.Column('runner', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('heartbeat_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('import_uploads') as batch:
        batch.drop_column('heartbeat_at')
        batch.drop_column('runner')
