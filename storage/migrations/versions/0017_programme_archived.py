"""archived programmes: `actiebot programme archive KEY`

Revision ID: 0017_programme_archived
Revises: 0019_workspaces
Create Date: 2026-12-07

`programmes.archived_at`: when an operator archived the programme. An archived programme gets
no reminders and no digests; `/actie` still answers about it, marked as archive. (A programme
carried over by `actiebot rollover` is archived differently: `succeeded_by`, 0006.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_programme_archived"
down_revision = "0019_workspaces"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("archived_at")
