"""the monthly limit's counter row per child and calendar month

Revision ID: rules_1
Revises: lead_1
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'rules_1'
down_revision: str | None = 'lead_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'child_months',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('booked', sa.Integer(), nullable=False),
        sa.CheckConstraint('booked >= 0', name=op.f('ck_child_months_month_sane')),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_child_months_child_id_children'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_child_months')),
        sa.UniqueConstraint('child_id', 'month', name=op.f('uq_child_months_child_id_month')),
    )
    # Bookings made before this revision count too: the counter starts equal to the live bookings.
    reservations = sa.table('reservations', sa.column('child_id', sa.Integer()), sa.column('day', sa.Date()),
                            sa.column('status', sa.String()))
    rows = op.get_bind().execute(sa.select(reservations.c.child_id, reservations.c.day)
                                 .where(reservations.c.status == 'booked')).all()
    counts: dict[tuple[int, dt.date], int] = {}
    for child_id, day in rows:
        key = (child_id, day.replace(day=1))
        counts[key] = counts.get(key, 0) + 1
    if counts:
        months = sa.table('child_months', sa.column('child_id', sa.Integer()), sa.column('month', sa.Date()),
                          sa.column('booked', sa.Integer()))
        op.bulk_insert(months, [{'child_id': c, 'month': m, 'booked': n} for (c, m), n in counts.items()])


def downgrade() -> None:
    op.drop_table('child_months')
