"""audit_changes: a staff correction's before and after, beside its audit entry and gone with the household

Revision ID: audit_changes_1
Revises: import_runs_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'audit_changes_1'
down_revision: str | None = 'import_runs_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'audit_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('household_pk', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('before', sa.String(length=200), nullable=False),
        sa.Column('after', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['audit_log.id'], ondelete='CASCADE',
                                name=op.f('fk_audit_changes_entry_id_audit_log')),
        sa.ForeignKeyConstraint(['household_pk'], ['households.id'], ondelete='CASCADE',
                                name=op.f('fk_audit_changes_household_pk_households')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_changes')),
    )
    op.create_index(op.f('ix_audit_changes_entry_id'), 'audit_changes', ['entry_id'], unique=False)
    op.create_index(op.f('ix_audit_changes_household_pk'), 'audit_changes', ['household_pk'], unique=False)


def downgrade() -> None:
    op.drop_table('audit_changes')
