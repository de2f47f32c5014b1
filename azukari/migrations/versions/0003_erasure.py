"""erasure: copies held by Twilio to delete, daily runs of the erasure jobs

Revision ID: lead_1
Revises: 0002
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import azukari.db

revision: str = 'lead_1'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('provider_deletions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deletion_record_id', sa.Integer(), nullable=True),
    sa.Column('resource', sa.String(length=10), nullable=False),
    sa.Column('sid', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.Column('done_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deletion_record_id'], ['deletion_records.id'],
                            name=op.f('fk_provider_deletions_deletion_record_id_deletion_records'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_deletions')),
    sa.UniqueConstraint('sid', name=op.f('uq_provider_deletions_sid'))
    )
    with op.batch_alter_table('provider_deletions', schema=None) as batch_op:
        batch_op.create_index('ix_provider_deletions_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_deletions_deletion_record_id'), ['deletion_record_id'],
                              unique=False)
    op.create_table('daily_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_runs')),
    sa.UniqueConstraint('job', 'day', name=op.f('uq_daily_runs_job_day'))
    )


def downgrade() -> None:
    op.drop_table('daily_runs')
    with op.batch_alter_table('provider_deletions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_deletions_deletion_record_id'))
        batch_op.drop_index('ix_provider_deletions_due')
    op.drop_table('provider_deletions')
