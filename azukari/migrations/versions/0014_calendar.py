"""a ward's calendar and ages: opens_at, same_day_until, closed_dates, [eligibility], no_show_limit and its lifts; closing by staff

Revision ID: calendar_1
Revises: twilio_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import azukari.db

revision: str = 'calendar_1'
down_revision: str | None = 'twilio_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('booking_policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opens_at', sa.String(length=5), server_default='00:00', nullable=False))
        batch_op.add_column(sa.Column('same_day_until', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('closed_dates', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('min_age_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('until_school_entry', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('no_show_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('no_show_months', sa.Integer(), nullable=True))
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_dates', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('min_age_days', sa.Integer(), nullable=True))
    op.create_table('no_show_lifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('lifted_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_no_show_lifts_child_id_children'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_no_show_lifts'))
    )
    op.create_index('ix_no_show_lifts_child_id_lifted_at', 'no_show_lifts', ['child_id', 'lifted_at'], unique=False)
    with op.batch_alter_table('unit_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cap', sa.Integer(), nullable=True))
    op.create_table('closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('cancelled', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_closures_facility_id_facilities'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_closures_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closures'))
    )
    op.create_index('ix_closures_facility_id_day', 'closures', ['facility_id', 'day'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_closures_facility_id_day', table_name='closures')
    op.drop_table('closures')
    with op.batch_alter_table('unit_days', schema=None) as batch_op:
        batch_op.drop_column('cap')
    op.drop_index('ix_no_show_lifts_child_id_lifted_at', table_name='no_show_lifts')
    op.drop_table('no_show_lifts')
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_column('min_age_days')
        batch_op.drop_column('closed_dates')
    with op.batch_alter_table('booking_policy', schema=None) as batch_op:
        for column in ('no_show_months', 'no_show_count', 'until_school_entry', 'min_age_days', 'closed_dates',
                       'same_day_until', 'opens_at'):
            batch_op.drop_column(column)
