"""registry3: a console import's progress, kept on its upload while a background thread imports it

Revision ID: registry3_1
Revises: registry2_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from azukari.db import UTCDateTime

revision: str = 'registry3_1'
down_revision: str | None = 'registry2_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('import_uploads') as batch:
        batch.add_column(sa.Column('state', sa.String(length=8), server_default='checked', nullable=False))
        batch.add_column(sa.Column('total_rows', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('done_rows', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('outcome', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('finished_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('import_uploads') as batch:
        batch.drop_column('finished_at')
        batch.drop_column('outcome')
        batch.drop_column('done_rows')
        batch.drop_column('total_rows')
        batch.drop_column('state')
