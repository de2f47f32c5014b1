"""removed children: a child staff remove from a registration keeps its row (and its bookings' history)

`children.removed_at` is when staff removed it; None while it is registered. Before this revision a removal
deleted the row and every booking, waiting place and counter of the child with it (ON DELETE CASCADE).

Revision ID: removed_children_1
Revises: audit_changes_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from azukari.db import UTCDateTime

revision: str = 'removed_children_1'
down_revision: str | None = 'audit_changes_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without a default: SQLite adds it in place (ALTER TABLE ... ADD COLUMN), the batch
    # does not copy the table.
    with op.batch_alter_table('children') as batch:
        batch.add_column(sa.Column('removed_at', UTCDateTime(), nullable=True))
    # Verification's candidates are now "born that day and not removed": with removed_at in the index they are
    # still read from the index alone (PostgreSQL's index-only scan), as they were before the column.
    op.drop_index('ix_children_birthdate_id', table_name='children')
    op.create_index('ix_children_birthdate_id_removed_at', 'children', ['birthdate', 'id', 'removed_at'],
                    unique=False)


def downgrade() -> None:
    # The old schema knows no removed child: they go as a removal took them then, with their bookings (the
    # foreign keys cascade). Dropped in place on SQLite too (3.35+): a copied table would be dropped with
    # foreign keys on, and that DROP would cascade to every booking.
    op.drop_index('ix_children_birthdate_id_removed_at', table_name='children')
    op.create_index('ix_children_birthdate_id', 'children', ['birthdate', 'id'], unique=False)
    op.execute(sa.text("DELETE FROM children WHERE removed_at IS NOT NULL"))
    op.execute(sa.text("ALTER TABLE children DROP COLUMN removed_at"))
