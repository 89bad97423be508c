"""reminders and digests: reminder holds (snooze / milestone done), the scheduler lease, an
index to find the previous digest of a channel, and one for a programme's open activities

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Reminders and digests use the existing `deliveries` ledger (unique `key` per message);
candidates are found through ix_activities_status_due and ix_milestones_due from 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("by_user", sa.String(length=300), nullable=False),
        sa.Column("by_name", sa.String(length=300), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"],
            name=op.f("fk_reminder_holds_activity_id_activities"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_holds")),
    )
    with op.batch_alter_table("reminder_holds", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_holds_activity", ["activity_id", "target"],
                              unique=False)

    op.create_table(
        "scheduler_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_leases")),
    )

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_kind_sent", ["kind", "sent_at"], unique=False)
    # A digest's scope is a programme: its open activities by status and due date, and its
    # counts per status from the index alone.
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_programme_status",
                              ["programme_id", "status", "due_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_programme_status")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_kind_sent")
    op.drop_table("scheduler_leases")
    with op.batch_alter_table("reminder_holds", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_holds_activity")
    op.drop_table("reminder_holds")
