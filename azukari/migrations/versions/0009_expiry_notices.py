"""notices before a registration ends

Revision ID: lead2_1
Revises: lead_2
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import azukari.db

revision: str = 'lead2_1'
down_revision: str | None = 'lead_2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('expiry_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('queued_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'],
                            name=op.f('fk_expiry_notices_household_pk_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expiry_notices')),
    sa.UniqueConstraint('household_pk', 'valid_until', 'days_before',
                        name=op.f('uq_expiry_notices_household_pk_valid_until_days_before'))
    )
    with op.batch_alter_table('expiry_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expiry_notices_household_pk'), ['household_pk'], unique=False)
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_registered_on', ['registered_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_registered_on')
    with op.batch_alter_table('expiry_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expiry_notices_household_pk'))
    op.drop_table('expiry_notices')
