"""status changes get their own version counter, and each activity the version of its latest
status change

Revision ID: 0009_status_versions
Revises: 0008_indicators
Create Date: 2026-11-30

A status update used to bump `programme_version.value`, after which every process rebuilt its
whole resolution index (seconds at 100,000 activities). Now a status change bumps
`programme_version.statuses` and stamps the activity with the new value
(`activities.status_version`); a process brings its index up to date by reading only the
activities stamped after the version it holds (ix_activities_status_version).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_status_versions"
down_revision = "0008_indicators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programme_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statuses", sa.BigInteger(), nullable=False,
                                      server_default="1"))
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_version", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_activities_status_version", ["status_version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_status_version")
        batch_op.drop_column("status_version")
    with op.batch_alter_table("programme_version", schema=None) as batch_op:
        batch_op.drop_column("statuses")
