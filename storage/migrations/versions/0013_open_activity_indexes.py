"""indexes for the first open activities of a programme or group in programme order

Revision ID: 0013_open_activity_indexes
Revises: 0012_request_replays
Create Date: 2026-11-30

`status` lists the first open activities of a programme or group in programme order. With
(scope, status, position, id) each open status gives its first rows in order, so the LIMIT
reads a few index entries however many activities are closed (the walk along
ix_activities_programme_position read every closed one when few are open). The group index
replaces ix_activities_working_group (working_group_id, status), its prefix.
"""

from __future__ import annotations

from alembic import op

revision = "0013_open_activity_indexes"
down_revision = "0012_request_replays"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_activities_programme_status_position", "activities",
                    ["programme_id", "status", "position", "id"], unique=False)
    op.create_index("ix_activities_group_status_position", "activities",
                    ["working_group_id", "status", "position", "id"], unique=False)
    op.drop_index("ix_activities_working_group", table_name="activities")


def downgrade() -> None:
    op.create_index("ix_activities_working_group", "activities",
                    ["working_group_id", "status"], unique=False)
    op.drop_index("ix_activities_group_status_position", table_name="activities")
    op.drop_index("ix_activities_programme_status_position", table_name="activities")
