"""match keys: names and addresses as verification compares them, worked out once at registration

Revision ID: verify_1
Revises: console_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'verify_1'
down_revision: str | None = 'console_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('match_keys',
    sa.Column('birthdate', sa.Date(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('household_pk', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('guardian', sa.Text(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_match_keys_child_id_children'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_pk'], ['households.id'], name=op.f('fk_match_keys_household_pk_households'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('birthdate', 'child_id', name=op.f('pk_match_keys')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_match_keys_child_id', 'match_keys', ['child_id'], unique=True)
    op.create_index('ix_match_keys_household_pk', 'match_keys', ['household_pk'], unique=False)
    # A birthdate's candidates from the index alone: PostgreSQL's index entries hold no id otherwise, and reading
    # ~450 scattered heap pages per answer was most of a verification at 1,000,000 children.
    op.create_index('ix_children_birthdate_id', 'children', ['birthdate', 'id'], unique=False)
    op.drop_index('ix_children_birthdate', table_name='children')
    # The keys of the households already registered. Verification works without them (it works a
    # missing row's keys out per call), only slower; the code that makes them is the code that reads them.
    from azukari.identity.stored_keys import backfill

    backfill(op.get_bind(), removed_column=False)  # children.removed_at comes with 0021


def downgrade() -> None:
    op.create_index('ix_children_birthdate', 'children', ['birthdate'], unique=False)
    op.drop_index('ix_children_birthdate_id', table_name='children')
    op.drop_table('match_keys')
