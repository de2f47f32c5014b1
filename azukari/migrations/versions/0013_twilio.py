"""twilio copies: inbound texts wait for their conversation's end before Twilio's copy is deleted

Revision ID: twilio_1
Revises: verify_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'twilio_1'
down_revision: str | None = 'verify_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('provider_deletions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thread', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_provider_deletions_thread'), ['thread'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('provider_deletions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_deletions_thread'))
        batch_op.drop_column('thread')
