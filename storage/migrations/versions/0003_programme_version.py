"""programme version counter and the last imported status per activity

Revision ID: 0003_programme_version
Revises: 0002
Create Date: 2026-11-24

`programme_version` is one row whose value goes up in the same transaction as every programme
change (import, koppel, a status update, …): every worker and replica reads it with one cheap
query per request and rebuilds its cached resolution index only when it moved.

`activities.imported_status` is the status the programme file had at the last import: a later
import changes an activity's status only when the file's status itself changed since then, so a
re-import never reverts what was set in Slack. Backfilled with the current status where nothing
but imports ever changed it; left empty (unknown: keep what the database has) elsewhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_programme_version"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    version = op.create_table(
        "programme_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_version")),
    )
    op.bulk_insert(version, [{"id": 1, "value": 1}])
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported_status", sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE activities SET imported_status = status WHERE NOT EXISTS "
        "(SELECT 1 FROM status_updates u WHERE u.activity_id = activities.id "
        "AND u.source <> 'import')"
    )


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("imported_status")
    op.drop_table("programme_version")
