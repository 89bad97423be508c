"""recurring activities (occurrences) and subscribable calendar links

Revision ID: 0018_occurrences_calendar_links
Revises: 0014_data_version
Create Date: 2026-12-07

`occurrences`: one row per occurrence of a recurring activity (`recurs:` in the programme file),
numbered from 1, each with its own deadline and status. The activity row carries the current
occurrence's deadline and status (the earliest not done or cancelled), so every question,
reminder and the Home tab see the current occurrence without knowing about the others.
`status_updates.occurrence` says which occurrence an update was about (NULL: the activity does
not recur).

`calendar_links`: the secret of each subscribable calendar feed (`GET /calendar/<token>.ics`),
one per working group or programme (`target`: "programme" or "programme/group"), stored as its
SHA-256 only; `actiebot calendar-link --rotate` replaces it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_occurrences_calendar_links"
down_revision = "0014_data_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_precision", sa.String(length=16), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"],
                                name=op.f("fk_occurrences_activity_id_activities"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
        sa.UniqueConstraint("activity_id", "number", name=op.f("uq_occurrences_activity_id")),
    )
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurrence", sa.Integer(), nullable=True))
    op.create_table(
        "calendar_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("working_group_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_calendar_links_programme_id_programmes"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["working_group_id"], ["working_groups.id"],
                                name=op.f("fk_calendar_links_working_group_id_working_groups"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_links")),
        sa.UniqueConstraint("target", name=op.f("uq_calendar_links_target")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_links_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_links")
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.drop_column("occurrence")
    op.drop_table("occurrences")
