"""read changes: what each write changed, for every process's read cache

Revision ID: 0015_read_changes
Revises: 0018_occurrences_calendar_links
Create Date: 2026-12-07

`data_version` gets a `token`: a random value made anew at every bump, so that a version number
reached again after a restore, a downgrade or a failover to a replica that is behind is never
mistaken for the one a process kept answers under. `read_changes` lists what each data version
changed (its scopes: an activity, a group's lists, the resolution index, ... `*` for everything;
storage/versioning.py), so a process drops only the kept answers that depend on it
(bot/services/answers.py). Old rows are pruned by the writers.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0015_read_changes"
down_revision = "0018_occurrences_calendar_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("data_version") as batch:
        batch.add_column(sa.Column("token", sa.String(32), nullable=False, server_default=""))
    op.execute(sa.text("UPDATE data_version SET token = :token").bindparams(
        token=secrets.token_hex(16)))
    op.create_table(
        "read_changes",
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("scope", sa.String(300), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("version", "scope", name=op.f("pk_read_changes")),
    )


def downgrade() -> None:
    op.drop_table("read_changes")
    with op.batch_alter_table("data_version") as batch:
        batch.drop_column("token")
