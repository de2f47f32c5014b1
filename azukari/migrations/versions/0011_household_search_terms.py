"""households are found by their people's names and readings in search form and by the number on file

Revision ID: console_1
Revises: serve_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from azukari.households.models import search_terms

revision: str = 'console_1'
down_revision: str | None = 'serve_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2000


def upgrade() -> None:
    terms = op.create_table(
        'household_search_terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_pk', sa.Integer(), nullable=False),
        sa.Column('term', sa.String(length=100).with_variant(postgresql.VARCHAR(length=100, collation='C'),
                                                             'postgresql'), nullable=False),
        sa.ForeignKeyConstraint(['household_pk'], ['households.id'],
                                name=op.f('fk_household_search_terms_household_pk_households'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household_search_terms')),
        sa.UniqueConstraint('household_pk', 'term', name=op.f('uq_household_search_terms_household_pk_term')))
    with op.batch_alter_table('household_search_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_search_terms_term'), ['term'], unique=False)
    _backfill(terms)


def _backfill(terms: sa.Table) -> None:
    """The terms of every household already registered, computed as the application computes them."""
    connection = op.get_bind()
    households = sa.table('households', sa.column('id', sa.Integer()), sa.column('guardian_name', sa.String()),
                          sa.column('guardian_kana', sa.String()), sa.column('phone', sa.String()))
    children = sa.table('children', sa.column('household_pk', sa.Integer()), sa.column('name', sa.String()),
                        sa.column('kana', sa.String()))
    last = 0
    while True:
        batch = connection.execute(sa.select(households).where(households.c.id > last)
                                   .order_by(households.c.id).limit(_BATCH)).all()
        if not batch:
            return
        ids = [row.id for row in batch]
        names: dict[int, list[tuple[str, str]]] = {pk: [] for pk in ids}
        for child in connection.execute(sa.select(children).where(children.c.household_pk.in_(ids))):
            names[child.household_pk].append((child.name, child.kana))
        connection.execute(terms.insert(), [
            {"household_pk": row.id, "term": term}
            for row in batch
            for term in sorted(search_terms(guardian_name=row.guardian_name, guardian_kana=row.guardian_kana,
                                            phone=row.phone, children=names[row.id]))])
        last = ids[-1]


def downgrade() -> None:
    with op.batch_alter_table('household_search_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_search_terms_term'))
    op.drop_table('household_search_terms')
