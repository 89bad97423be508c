"""data version: one counter bumped by every write transaction

Revision ID: 0014_data_version
Revises: 0013_open_activity_indexes
Create Date: 2026-11-30

`data_version` is one row whose value goes up at the commit of every write unit of work
(storage/uow.py): a process keeps its answers to questions (bot/services/answers.py) while the
value it read is the current one. Its own row (not a column of `programme_version`): it is
locked last, at commit, so it never takes part in a lock cycle.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_data_version"
down_revision = "0013_open_activity_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    version = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(version, [{"id": 1, "value": 1}])


def downgrade() -> None:
    op.drop_table("data_version")
