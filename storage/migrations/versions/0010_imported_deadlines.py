"""the deadline the programme file had at the last import, per activity

Revision ID: 0010_imported_deadlines
Revises: 0009_status_versions
Create Date: 2026-11-30

`activities.imported_due` is the file's deadline at the last import ("2027-03-01:day", "-" for
none): a later import changes an activity's deadline only when the file's deadline itself
changed since then, so a re-import never reverts a deadline moved in Slack (`verplaats`, the
update modal), as `imported_status` (0003) does for statuses. Backfilled with the current
deadline where it was never moved in Slack; left empty (unknown: keep what the database has)
elsewhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_imported_deadlines"
down_revision = "0009_status_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported_due", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE activities SET imported_due = CASE WHEN due_date IS NULL THEN '-' "
        "ELSE " + _concat() + " END WHERE NOT EXISTS "
        "(SELECT 1 FROM status_updates u WHERE u.activity_id = activities.id "
        "AND u.event = 'reschedule')"
    )


def _concat() -> str:
    # ISO date, ':' and the precision; CAST of a DATE gives YYYY-MM-DD on SQLite and PostgreSQL
    return "CAST(due_date AS VARCHAR(10)) || ':' || COALESCE(due_precision, 'day')"


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("imported_due")
