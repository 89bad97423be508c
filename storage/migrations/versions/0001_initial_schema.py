"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=100), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('message_ts', sa.String(length=40), nullable=True),
    sa.Column('thread_ts', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('key', name=op.f('uq_deliveries_key'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_state', ['state', 'next_attempt_at'], unique=False)

    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('region', sa.String(length=200), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('admin_channel', sa.String(length=100), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('file_extra', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('key', name=op.f('uq_programmes_key'))
    )
    op.create_table('slack_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slack_user_id', sa.String(length=32), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_users')),
    sa.UniqueConstraint('slack_user_id', name=op.f('uq_slack_users_slack_user_id'))
    )
    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_goals_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals')),
    sa.UniqueConstraint('programme_id', 'key', name=op.f('uq_goals_programme_id'))
    )
    op.create_table('working_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=100), nullable=True),
    sa.Column('reminders', sa.JSON(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_working_groups_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_groups')),
    sa.UniqueConstraint('programme_id', 'key', name=op.f('uq_working_groups_programme_id'))
    )
    with op.batch_alter_table('working_groups', schema=None) as batch_op:
        batch_op.create_index('ix_working_groups_channel', ['channel'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('theme', sa.String(length=300), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('working_group_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_precision', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_activities_goal_id_goals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_activities_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['working_group_id'], ['working_groups.id'], name=op.f('fk_activities_working_group_id_working_groups'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('programme_id', 'key', name=op.f('uq_activities_programme_id'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_status_due', ['status', 'due_date'], unique=False)
        batch_op.create_index('ix_activities_working_group', ['working_group_id', 'status'], unique=False)

    op.create_table('working_group_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('working_group_id', sa.Integer(), nullable=False),
    sa.Column('owner_name', sa.String(length=300), nullable=False),
    sa.Column('slack_user_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['working_group_id'], ['working_groups.id'], name=op.f('fk_working_group_members_working_group_id_working_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group_members')),
    sa.UniqueConstraint('working_group_id', 'owner_name', 'slack_user_id', name=op.f('uq_working_group_members_working_group_id'))
    )
    with op.batch_alter_table('working_group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_group_members_slack_user_id'), ['slack_user_id'], unique=False)

    op.create_table('activity_owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_owners_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_owners')),
    sa.UniqueConstraint('activity_id', 'position', name=op.f('uq_activity_owners_activity_id'))
    )
    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_precision', sa.String(length=16), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_milestones_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones')),
    sa.UniqueConstraint('activity_id', 'position', name=op.f('uq_milestones_activity_id'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index('ix_milestones_due', ['due_date'], unique=False)

    op.create_table('status_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author', sa.String(length=300), nullable=False),
    sa.Column('author_name', sa.String(length=300), nullable=True),
    sa.Column('old_status', sa.String(length=16), nullable=True),
    sa.Column('new_status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_status_updates_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_updates'))
    )
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.create_index('ix_status_updates_activity_at', ['activity_id', 'at'], unique=False)
        batch_op.create_index('ix_status_updates_at', ['at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_status_updates_at')
        batch_op.drop_index('ix_status_updates_activity_at')

    op.drop_table('status_updates')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_milestones_due')

    op.drop_table('milestones')
    op.drop_table('activity_owners')
    with op.batch_alter_table('working_group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_group_members_slack_user_id'))

    op.drop_table('working_group_members')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_working_group')
        batch_op.drop_index('ix_activities_status_due')

    op.drop_table('activities')
    with op.batch_alter_table('working_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_working_groups_channel')

    op.drop_table('working_groups')
    op.drop_table('goals')
    op.drop_table('slack_users')
    op.drop_table('programmes')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_state')

    op.drop_table('deliveries')
