"""outbox: a send that may have gone out, and calls that rang unanswered

Revision ID: sender_1
Revises: web_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'sender_1'
down_revision: str | None = 'web_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('maybe_sent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('unanswered', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_column('unanswered')
        batch.drop_column('maybe_sent')
