"""the organisation of a partner's update: `status_updates.author_org`

Revision ID: 0021_author_organisation
Revises: 0017_programme_archived
Create Date: 2026-12-07

An update written by a member of another workspace (a partner organisation in a Slack Connect
channel) keeps the name of that organisation, so `geschiedenis`, announcements, the archive
log and reports name the organisation instead of a user id from a workspace the reader cannot
see. NULL: an author of the programme's own workspace, or a row from before this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_author_organisation"
down_revision = "0017_programme_archived"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_updates") as batch:
        batch.add_column(sa.Column("author_org", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_updates") as batch:
        batch.drop_column("author_org")
