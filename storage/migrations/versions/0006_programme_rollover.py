"""programme rollover: a programme that was carried over into next year's names its successor

Revision ID: 0006_programme_rollover
Revises: 0005_activity_order_indexes
Create Date: 2026-11-30

`programmes.succeeded_by` holds the key of the programme that `actiebot rollover` carried its
open activities into. Such a programme is archived: kept whole for history, reports and
exports, but no longer resolved by `/actie`, bound to channels, reminded or digested. (Which
activity came from where is the new activity's `carried_from` key, kept with its other keys.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_programme_rollover"
down_revision = "0005_activity_order_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(sa.Column("succeeded_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("succeeded_by")
