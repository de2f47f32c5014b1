"""facility short and English names; the ward's rules

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_name', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('name_en', sa.String(length=100), nullable=True))
    with op.batch_alter_table('booking_policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_days_before', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancel_time', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('monthly_units_per_child', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('waitlist', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('offer_hours', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('booking_policy', schema=None) as batch_op:
        for column in ('offer_hours', 'waitlist', 'monthly_units_per_child', 'cancel_time', 'cancel_days_before'):
            batch_op.drop_column(column)
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_column('name_en')
        batch_op.drop_column('short_name')
