"""waiting lists, seat offers and held seats; attendance marks

Revision ID: rules_2
Revises: rules_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import azukari.db

revision: str = 'rules_2'
down_revision: str | None = 'rules_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('waitlist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_waitlist_entries_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_waitlist_entries_household_pk_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_waitlist_entries_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries'))
    )
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entries_household_pk'), ['household_pk'], unique=False)
        batch_op.create_index('ix_waitlist_entries_unit_day', ['unit_id', 'day', 'status'], unique=False)
        batch_op.create_index('uq_waitlist_entries_live_child_unit_day', ['child_id', 'unit_id', 'day'], unique=True, sqlite_where=sa.text("status IN ('waiting', 'offered')"), postgresql_where=sa.text("status IN ('waiting', 'offered')"))

    op.create_table('seat_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('infant', sa.Boolean(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('settled_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_seat_offers_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entries.id'], name=op.f('fk_seat_offers_entry_id_waitlist_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_seat_offers_household_pk_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_seat_offers_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_offers'))
    )
    with op.batch_alter_table('seat_offers', schema=None) as batch_op:
        batch_op.create_index('ix_seat_offers_household_status', ['household_pk', 'status'], unique=False)
        batch_op.create_index('ix_seat_offers_status_expires_at', ['status', 'expires_at'], unique=False)

    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('attendance_marked_at', azukari.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('unit_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('held_infants', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.create_check_constraint(op.f('ck_unit_days_holds_sane'),
                                         'held >= 0 AND held_infants >= 0 AND held_infants <= held')



def downgrade() -> None:
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_column('attendance_marked_at')
        batch_op.drop_column('attendance')

    with op.batch_alter_table('unit_days', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_unit_days_holds_sane'), type_='check')
        batch_op.drop_column('held_infants')
        batch_op.drop_column('held')

    with op.batch_alter_table('seat_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_seat_offers_status_expires_at')
        batch_op.drop_index('ix_seat_offers_household_status')

    op.drop_table('seat_offers')
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_waitlist_entries_live_child_unit_day', sqlite_where=sa.text("status IN ('waiting', 'offered')"), postgresql_where=sa.text("status IN ('waiting', 'offered')"))
        batch_op.drop_index('ix_waitlist_entries_unit_day')
        batch_op.drop_index(batch_op.f('ix_waitlist_entries_household_pk'))

    op.drop_table('waitlist_entries')
