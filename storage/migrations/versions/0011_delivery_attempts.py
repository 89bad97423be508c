"""when a delivery was first and last attempted

Revision ID: 0011_delivery_attempts
Revises: 0010_imported_deadlines
Create Date: 2026-11-30

Each post is recorded as attempted (in its own short transaction) before it goes out to Slack.
A row attempted before whose outcome is unknown (timeout, connection lost, process killed) is
looked up in the channel's history, from its first attempt on, before it is posted again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_delivery_attempts"
down_revision = "0010_imported_deadlines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("last_attempt_at")
        batch.drop_column("first_attempt_at")
