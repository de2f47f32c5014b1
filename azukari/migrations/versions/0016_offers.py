"""offers: wrong codes counted per seat offer, so guessing its code is throttled (issues 24, 28)

Revision ID: offers_1
Revises: registry_1
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'offers_1'
down_revision: str | None = 'registry_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('seat_offers') as batch:
        batch.add_column(sa.Column('wrong_codes', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('seat_offers') as batch:
        batch.drop_column('wrong_codes')
