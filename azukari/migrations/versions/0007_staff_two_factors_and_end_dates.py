"""staff: two factors, recovery codes, end dates, last login, forced password change; login throttle per name

Revision ID: staffsec_1
Revises: harden_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from azukari.db import UTCDateTime

revision: str = 'staffsec_1'
down_revision: str | None = 'harden_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('staff_accounts', schema=None) as batch_op:
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')
        batch_op.add_column(sa.Column('ends_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_login_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('totp_enrolled_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    # Sessions from before two factors were required end here: everyone logs in again, with both.
    op.execute("DELETE FROM staff_sessions")
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=10), server_default='ok', nullable=False))
        batch_op.add_column(sa.Column('failures', sa.Integer(), server_default='0', nullable=False))
    op.execute("DELETE FROM staff_login_failures")  # kept fifteen minutes at most anyway
    with op.batch_alter_table('staff_login_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_hash', sa.String(length=64), nullable=False))
        batch_op.create_index('ix_staff_login_failures_name_at', ['name_hash', 'at'], unique=False)
    op.create_table(
        'staff_recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'],
                                name=op.f('fk_staff_recovery_codes_staff_id_staff_accounts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_codes')),
    )
    with op.batch_alter_table('staff_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_recovery_codes_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_recovery_codes_staff_id'))
    op.drop_table('staff_recovery_codes')
    with op.batch_alter_table('staff_login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_login_failures_name_at')
        batch_op.drop_column('name_hash')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_column('failures')
        batch_op.drop_column('stage')
    with op.batch_alter_table('staff_accounts', schema=None) as batch_op:
        for column in ('totp_last_step', 'totp_enrolled_at', 'totp_secret', 'must_change_password', 'last_login_at',
                       'ends_at'):
            batch_op.drop_column(column)
        batch_op.add_column(sa.Column('locked_until', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
