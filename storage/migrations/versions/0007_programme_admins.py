"""programme admins (`admins: [U…]` under `programme:`) as a column, and an index to find the
ledger row of a message the bot posted (a button click names its message by channel and ts)

Revision ID: 0007_programme_admins
Revises: 0006_programme_rollover
Create Date: 2026-11-30

Before this revision `admins:` was an unknown key, kept in programmes.extra; it is moved into
the new column so that the permission rule (bot/services/permissions.py) sees it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_programme_admins"
down_revision = "0006_programme_rollover"
branch_labels = None
depends_on = None

programmes = sa.table(
    "programmes",
    sa.column("id", sa.Integer()),
    sa.column("admins", sa.JSON()),
    sa.column("extra", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("admins", sa.JSON(), nullable=True))
    connection = op.get_bind()
    for row_id, extra in connection.execute(sa.select(programmes.c.id, programmes.c.extra)):
        extra = dict(extra or {})
        kept = extra.pop("admins", None)
        admins = [str(a) for a in kept] if isinstance(kept, list) else []
        connection.execute(programmes.update().where(programmes.c.id == row_id)
                           .values(admins=admins, extra=extra))
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.alter_column("admins", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_message", ["channel", "message_ts"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_message")
    connection = op.get_bind()
    for row_id, admins, extra in connection.execute(
            sa.select(programmes.c.id, programmes.c.admins, programmes.c.extra)):
        if admins:
            connection.execute(programmes.update().where(programmes.c.id == row_id)
                               .values(extra={**dict(extra or {}), "admins": list(admins)}))
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_column("admins")
