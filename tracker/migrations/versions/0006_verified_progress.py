"""a verified commitment's progress is 100 %

Verifying now sets the progress to 100; commitments verified before this revision kept the
department's last report (60 %, or 0 when it never sent one), which the public page, the API and
the exports showed. They are brought to 100 here.

The deadline said on air needs no filling: `original_deadline` has been a required column since
0001, set when the commitment is recorded, moved only by a correction of what was said, never by
an extension. The on-time rate is counted against it from this revision on.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    commitments = sa.table('commitments', sa.column('status', sa.String), sa.column('progress_percent', sa.Integer))
    op.execute(commitments.update().where(commitments.c.status == 'verified', commitments.c.progress_percent != 100)
               .values(progress_percent=100))


def downgrade():
    # The progress reported before verification is in each commitment's timeline; a verified
    # commitment at 100 % is right under every revision, so nothing is undone.
    pass
