"""spent call and message sids: a replayed call or text changes nothing

Revision ID: harden_1
Revises: rules_2
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import azukari.db

revision: str = 'harden_1'
down_revision: str | None = 'rules_2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'spent_sids',
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('sid', sa.String(length=64), nullable=False),
        sa.Column('spent_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('channel', 'sid', name=op.f('pk_spent_sids')),
    )
    op.create_index('ix_spent_sids_spent_at', 'spent_sids', ['spent_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_spent_sids_spent_at', table_name='spent_sids')
    op.drop_table('spent_sids')
