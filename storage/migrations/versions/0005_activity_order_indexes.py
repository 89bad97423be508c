"""indexes for the first activities in programme order (status and lijst with a LIMIT)

Revision ID: 0005_activity_order_indexes
Revises: 0004_update_log_reschedules
Create Date: 2026-11-24

`status` and `lijst` list the first activities of a programme or a group in programme order
and count the rest; these indexes let the LIMIT stop early instead of sorting every row.
"""

from __future__ import annotations

from alembic import op

revision = "0005_activity_order_indexes"
down_revision = "0004_update_log_reschedules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_programme_position",
                              ["programme_id", "position", "id"], unique=False)
        batch_op.create_index("ix_activities_group_position",
                              ["working_group_id", "position", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_group_position")
        batch_op.drop_index("ix_activities_programme_position")
