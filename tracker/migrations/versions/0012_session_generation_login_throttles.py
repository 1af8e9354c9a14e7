"""sessions that end and throttling that cannot lock anyone out

`users.session_generation` is part of every session cookie: raising it (sign-out, a new
password, deactivation, a new role or department) ends every session of the account.
`login_throttles` counts failed sign-ins per address and per username from an address, in
the database so that every worker sees them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 23:50:00

"""
import sqlalchemy as sa
from alembic import op

import tracker.models.types

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))

    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', tracker.models.types.UTCDateTime(), nullable=False),
    sa.Column('delayed_until', tracker.models.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('address', 'username', name=op.f('uq_login_throttles_address'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_last_failure_at'), ['last_failure_at'], unique=False)


def downgrade():
    op.drop_table('login_throttles')
    # Not in batch mode: a batch would rebuild `users` on SQLite, which the rows referring to
    # it forbid; SQLite (3.35 on) drops a column in place.
    op.drop_column('users', 'session_generation')
