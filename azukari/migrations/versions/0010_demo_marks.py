"""a mark on databases made as a demo

Revision ID: serve_1
Revises: lead2_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import azukari.db

revision: str = 'serve_1'
down_revision: str | None = 'lead2_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No backfill: nothing tells a demo made before this mark from a ward's data, and guessing wrong
    # would let the terminal pour made-up households into a real register.
    op.create_table('demo_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('made_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_marks'))
    )


def downgrade() -> None:
    op.drop_table('demo_marks')
