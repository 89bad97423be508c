"""signed requests already handled: a replay has no second effect

Revision ID: 0012_request_replays
Revises: 0011_delivery_attempts
Create Date: 2026-11-30

One row per signed request that changed something (a hash of its timestamp and signature) and
per Slack event id, kept for 10 minutes (Slack's replay window is 5).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_request_replays"
down_revision = "0011_delivery_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_replays",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_request_replays")),
    )
    with op.batch_alter_table("request_replays") as batch:
        batch.create_index("ix_request_replays_seen_at", ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request_replays") as batch:
        batch.drop_index("ix_request_replays_seen_at")
    op.drop_table("request_replays")
