"""cases get a public text: the title and summary the public reads, personal data masked

Existing cases are given one by masking their current hotline text, so that from this revision
on nothing public reads the hotline text.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 14:30:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.cases.personal_data import masked

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    # The server default stays (as in 0002): dropping it would make SQLite rebuild `cases`,
    # which the rows that refer to it forbid.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('public_summary', sa.Text(), nullable=False, server_default=''))
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('title', sa.String),
                     sa.column('summary', sa.Text), sa.column('public_title', sa.String),
                     sa.column('public_summary', sa.Text))
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(sa.select(cases.c.id, cases.c.title, cases.c.summary)
                                  .where(cases.c.id > last_id).order_by(cases.c.id).limit(BATCH)).all()
        if not rows:
            break
        for row in rows:
            connection.execute(cases.update().where(cases.c.id == row.id).values(
                public_title=masked(row.title), public_summary=masked(row.summary)))
        last_id = rows[-1].id


def downgrade():
    # Not in batch mode: a batch would rebuild `cases` on SQLite, which the rows referring to
    # it forbid; SQLite (3.35 on) drops a column in place.
    op.drop_column('cases', 'public_summary')
    op.drop_column('cases', 'public_title')
