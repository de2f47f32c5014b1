"""web: parents' web passwords (argon2, per household) and their sessions

Revision ID: web_1
Revises: offers_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from azukari.db import UTCDateTime

revision: str = 'web_1'
down_revision: str | None = 'offers_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('web_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('must_change', sa.Boolean(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('issued_at', UTCDateTime(), nullable=False),
    sa.Column('changed_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_web_access_household_pk_households'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_access')),
    sa.UniqueConstraint('household_pk', name=op.f('uq_web_access_household_pk')),
    )
    op.create_table('parent_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('must_change', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'],
                            name=op.f('fk_parent_sessions_household_pk_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_parent_sessions_token_hash')),
    )
    op.create_index(op.f('ix_parent_sessions_household_pk'), 'parent_sessions', ['household_pk'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_parent_sessions_household_pk'), table_name='parent_sessions')
    op.drop_table('parent_sessions')
    op.drop_table('web_access')
