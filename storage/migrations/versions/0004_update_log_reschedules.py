"""the update log keeps moved deadlines (old -> new, the note is the reason) and activities
added in Slack (`/actie verplaats`, `/actie nieuw`, the update modal)

Revision ID: 0004_update_log_reschedules
Revises: 0003_programme_version
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_update_log_reschedules"
down_revision = "0003_programme_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_updates") as batch:
        batch.add_column(sa.Column("event", sa.String(length=16), nullable=False,
                                   server_default="update"))
        batch.add_column(sa.Column("old_due_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("old_due_precision", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("new_due_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("new_due_precision", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_updates") as batch:
        batch.drop_column("new_due_precision")
        batch.drop_column("new_due_date")
        batch.drop_column("old_due_precision")
        batch.drop_column("old_due_date")
        batch.drop_column("event")
