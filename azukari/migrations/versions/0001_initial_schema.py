"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 04:27:26.991417
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import azukari.db

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_household_at', ['household_pk', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_household_pk'), ['household_pk'], unique=False)

    op.create_table('booking_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('horizon_days', sa.Integer(), nullable=False),
    sa.Column('closed_on_public_holidays', sa.Boolean(), nullable=False),
    sa.Column('fee_under_1', sa.Integer(), nullable=False),
    sa.Column('fee_from_1', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_policy'))
    )
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('ended', sa.Boolean(), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('channel', 'key', name=op.f('uq_conversations_channel_key'))
    )
    op.create_table('deletion_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('household_hash', sa.String(length=64), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deletion_records'))
    )
    op.create_table('facilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('reading', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('infant_capacity', sa.Integer(), nullable=False),
    sa.Column('closed_weekdays', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilities')),
    sa.UniqueConstraint('key', name=op.f('uq_facilities_key'))
    )
    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.String(length=10), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('guardian_name', sa.String(length=100), nullable=False),
    sa.Column('guardian_kana', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('dv_flag', sa.Boolean(), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('household_id', name=op.f('uq_households_household_id'))
    )
    op.create_table('webhook_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('step', sa.String(length=30), nullable=False),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_receipts')),
    sa.UniqueConstraint('channel', 'key', 'step', 'input_hash', name=op.f('uq_webhook_receipts_channel_key_step_input_hash'))
    )
    op.create_table('children',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kana', sa.String(length=100), nullable=False),
    sa.Column('birthdate', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_children_household_pk_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_children'))
    )
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.create_index('ix_children_birthdate', ['birthdate'], unique=False)
        batch_op.create_index(batch_op.f('ix_children_household_pk'), ['household_pk'], unique=False)

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=True),
    sa.Column('dv', sa.Boolean(), nullable=False),
    sa.Column('security_alert', sa.Boolean(), nullable=False),
    sa.Column('calling_number', sa.String(length=32), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('claimed_by', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_escalations_household_pk_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_escalations_dedupe_key'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index('ix_escalations_status_created', ['status', 'created_at'], unique=False)

    op.create_table('staff_login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('client_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_login_failures'))
    )
    with op.batch_alter_table('staff_login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_staff_login_failures_client_at', ['client_hash', 'at'], unique=False)

    op.create_table('console_secrets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_secrets')),
    sa.UniqueConstraint('name', name=op.f('uq_console_secrets_name'))
    )
    op.create_table('staff_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deactivated_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_staff_accounts_facility_id_facilities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_accounts_username'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Integer(), nullable=False),
    sa.Column('starts', sa.String(length=5), nullable=False),
    sa.Column('ends', sa.String(length=5), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_units_facility_id_facilities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('facility_id', 'key', name=op.f('uq_units_facility_id_key'))
    )
    op.create_table('verification_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('calling_number', sa.String(length=32), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=True),
    sa.Column('conversation_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_verification_attempts_household_pk_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_attempts'))
    )
    with op.batch_alter_table('verification_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_verification_attempts_household_at', ['household_pk', 'at'], unique=False)
        batch_op.create_index('ix_verification_attempts_number_at', ['calling_number', 'at'], unique=False)

    op.create_table('child_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_child_days_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_days')),
    sa.UniqueConstraint('child_id', 'day', name=op.f('uq_child_days_child_id_day'))
    )
    op.create_table('reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_number', sa.String(length=8), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('infant', sa.Boolean(), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminder_queued_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_reservations_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_reservations_facility_id_facilities')),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_reservations_household_pk_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_reservations_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservations')),
    sa.UniqueConstraint('booking_number', name=op.f('uq_reservations_booking_number'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index('ix_reservations_household_day', ['household_pk', 'day'], unique=False)
        batch_op.create_index('ix_reservations_day', ['day'], unique=False)
        batch_op.create_index('ix_reservations_unit_day', ['unit_id', 'day'], unique=False)
        batch_op.create_index('uq_reservations_live_child_unit_day', ['child_id', 'unit_id', 'day'], unique=True, sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))

    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_sessions_staff_id_staff_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_sessions_token_hash'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_staff_id'), ['staff_id'], unique=False)

    op.create_table('unit_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('infants', sa.Integer(), nullable=False),
    sa.CheckConstraint('booked >= 0 AND infants >= 0 AND infants <= booked', name=op.f('ck_unit_days_seats_sane')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_days_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_days')),
    sa.UniqueConstraint('unit_id', 'day', name=op.f('uq_unit_days_unit_id_day'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=True),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.Column('to_number', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('message_sid', sa.String(length=40), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.Column('sent_at', azukari.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', azukari.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_outbox_messages_household_pk_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'], name=op.f('fk_outbox_messages_reservation_id_reservations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('message_sid', name=op.f('uq_outbox_messages_message_sid'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_status_next', ['status', 'next_attempt_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_next')

    op.drop_table('outbox_messages')
    op.drop_table('unit_days')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_staff_id'))

    op.drop_table('staff_sessions')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index('uq_reservations_live_child_unit_day', sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))
        batch_op.drop_index('ix_reservations_unit_day')
        batch_op.drop_index('ix_reservations_day')
        batch_op.drop_index('ix_reservations_household_day')

    op.drop_table('reservations')
    op.drop_table('child_days')
    with op.batch_alter_table('verification_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_verification_attempts_number_at')
        batch_op.drop_index('ix_verification_attempts_household_at')

    op.drop_table('verification_attempts')
    op.drop_table('units')
    op.drop_table('staff_accounts')
    op.drop_table('console_secrets')
    with op.batch_alter_table('staff_login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_login_failures_client_at')

    op.drop_table('staff_login_failures')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index('ix_escalations_status_created')

    op.drop_table('escalations')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_children_household_pk'))
        batch_op.drop_index('ix_children_birthdate')

    op.drop_table('children')
    op.drop_table('webhook_receipts')
    op.drop_table('households')
    op.drop_table('facilities')
    op.drop_table('deletion_records')
    op.drop_table('conversations')
    op.drop_table('booking_policy')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_household_pk'))
        batch_op.drop_index('ix_audit_log_household_at')

    op.drop_table('audit_log')

