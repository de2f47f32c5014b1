"""registry2: an admin's request to erase one household, waiting for a second admin's approval; a households.csv
uploaded in the console, kept between its check and the admin's confirmation

Revision ID: registry2_1
Revises: sender_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from azukari.db import UTCDateTime

revision: str = 'registry2_1'
down_revision: str | None = 'sender_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('erasure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('requested_at', UTCDateTime(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'],
                            name=op.f('fk_erasure_requests_household_pk_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by'], ['staff_accounts.id'],
                            name=op.f('fk_erasure_requests_requested_by_staff_accounts')),
    sa.ForeignKeyConstraint(['approved_by'], ['staff_accounts.id'],
                            name=op.f('fk_erasure_requests_approved_by_staff_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests')),
    sa.UniqueConstraint('household_pk', name=op.f('uq_erasure_requests_household_pk')),
    )
    op.create_table('import_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_import_uploads_staff_id_staff_accounts'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_uploads')),
    )
    op.create_index(op.f('ix_import_uploads_staff_id'), 'import_uploads', ['staff_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_import_uploads_staff_id'), table_name='import_uploads')
    op.drop_table('import_uploads')
    op.drop_table('erasure_requests')
