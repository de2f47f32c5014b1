"""registry kept right: suspected duplicate pairs, the registering facility and the interview date (issue 27)

Revision ID: registry_1
Revises: calendar_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from azukari.db import UTCDateTime
from azukari.households.models import search_terms

revision: str = 'registry_1'
down_revision: str | None = 'calendar_1'
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
    _given_name_terms()


def _given_name_terms() -> None:
    """Households registered before: the search terms the application now keeps (given names alone)."""
    connection = op.get_bind()
    households = sa.table('households', sa.column('id', sa.Integer()), sa.column('guardian_name', sa.String()),
                          sa.column('guardian_kana', sa.String()), sa.column('phone', sa.String()))
    children = sa.table('children', sa.column('household_pk', sa.Integer()), sa.column('name', sa.String()),
                        sa.column('kana', sa.String()))
    terms = sa.table('household_search_terms', sa.column('household_pk', sa.Integer()), sa.column('term', sa.String()))
    last = 0
    while True:
        batch = connection.execute(sa.select(households).where(households.c.id > last)
                                   .order_by(households.c.id).limit(1000)).all()
        if not batch:
            return
        ids = [row.id for row in batch]
        names: dict[int, list[tuple[str, str]]] = {pk: [] for pk in ids}
        for child in connection.execute(sa.select(children).where(children.c.household_pk.in_(ids))):
            names[child.household_pk].append((child.name, child.kana))
        have = {(pk, term) for pk, term in connection.execute(
            sa.select(terms.c.household_pk, terms.c.term).where(terms.c.household_pk.in_(ids)))}
        missing = [{"household_pk": row.id, "term": term} for row in batch
                   for term in sorted(search_terms(guardian_name=row.guardian_name, guardian_kana=row.guardian_kana,
                                                   phone=row.phone, children=names[row.id]))
                   if (row.id, term) not in have]
        if missing:
            connection.execute(terms.insert(), missing)
        last = ids[-1]


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite 3.35+): a batch copy would cascade, as above.
    op.execute('ALTER TABLE households DROP COLUMN interviewed_on')
    op.execute('ALTER TABLE households DROP COLUMN registered_facility')
    op.drop_table('suspected_duplicates')
