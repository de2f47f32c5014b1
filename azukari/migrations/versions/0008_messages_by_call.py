"""messages by call: how each message went out, and the call it waits for

Revision ID: lead_2
Revises: staffsec_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'lead_2'
down_revision: str | None = 'staffsec_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=5), server_default='sms', nullable=False))
        batch_op.add_column(sa.Column('after_call', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('after_call')
        batch_op.drop_column('channel')
