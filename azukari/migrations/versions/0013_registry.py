"""registry kept right: suspected duplicate pairs, the registering facility and the interview date (issue 27)

Revision ID: registry_1
Revises: verify_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from azukari.db import UTCDateTime

revision: str = 'registry_1'
down_revision: str | None = 'verify_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('suspected_duplicates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_a', sa.Integer(), nullable=False),
    sa.Column('child_b', sa.Integer(), nullable=False),
    sa.Column('household_a', sa.Integer(), nullable=False),
    sa.Column('household_b', sa.Integer(), nullable=False),
    sa.Column('strength', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('found_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('child_a < child_b', name=op.f('ck_suspected_duplicates_ordered')),
    sa.ForeignKeyConstraint(['child_a'], ['children.id'], name=op.f('fk_suspected_duplicates_child_a_children'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['child_b'], ['children.id'], name=op.f('fk_suspected_duplicates_child_b_children'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_a'], ['households.id'],
                            name=op.f('fk_suspected_duplicates_household_a_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_b'], ['households.id'],
                            name=op.f('fk_suspected_duplicates_household_b_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suspected_duplicates')),
    sa.UniqueConstraint('child_a', 'child_b', name=op.f('uq_suspected_duplicates_child_a_child_b')),
    )
    op.create_index('ix_suspected_duplicates_child_b', 'suspected_duplicates', ['child_b'], unique=False)
    op.create_index('ix_suspected_duplicates_status', 'suspected_duplicates', ['status'], unique=False)
    op.create_index(op.f('ix_suspected_duplicates_household_b'), 'suspected_duplicates', ['household_b'],
                    unique=False)
    # Plain ADD COLUMN (nullable, no constraint), never a batch copy: on SQLite a batch recreates the table,
    # and dropping the old `households` would cascade into every child, booking and key of the registry.
    op.add_column('households', sa.Column('registered_facility', sa.Integer(), nullable=True))
    op.add_column('households', sa.Column('interviewed_on', sa.Date(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite 3.35+): a batch copy would cascade, as above.
    op.execute('ALTER TABLE households DROP COLUMN interviewed_on')
    op.execute('ALTER TABLE households DROP COLUMN registered_facility')
    op.drop_table('suspected_duplicates')
