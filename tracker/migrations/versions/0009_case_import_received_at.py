"""cases get the time the hotline took the call (received_at) and the source `other` (其他)

Widening the CHECK constraint of `cases.source` rebuilds nothing. PostgreSQL drops and adds the
constraint. SQLite cannot alter a constraint, and rebuilding `cases` would fire the cascades
of the rows that refer to it and drop its triggers; so the table's recorded definition is
edited in place, the procedure SQLite documents for loosening a CHECK constraint
(https://www.sqlite.org/lang_altertable.html#otheralter): every stored row satisfies the wider
constraint, and the file's format does not change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 23:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

CONSTRAINT = 'ck_cases_casesource'
OLD_SOURCES = ('hotline', 'letter', 'undercover', 'online', 'studio')
NEW_SOURCES = OLD_SOURCES + ('other',)


def _check(sources):
    return "source IN ({})".format(", ".join(f"'{source}'" for source in sources))


def _replace_source_check(old, new):
    connection = op.get_bind()
    if connection.dialect.name != 'sqlite':
        op.drop_constraint(op.f(CONSTRAINT), 'cases', type_='check')
        op.create_check_constraint(op.f(CONSTRAINT), 'cases', sa.text(_check(new)))
        return
    sql = connection.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cases'")).scalar_one()
    before, after = f"CONSTRAINT {CONSTRAINT} CHECK ({_check(old)})", f"CONSTRAINT {CONSTRAINT} CHECK ({_check(new)})"
    if sql.count(before) != 1:
        raise RuntimeError(f"cases: the constraint {CONSTRAINT} is not as expected; the schema was not changed")
    version = connection.execute(sa.text("PRAGMA schema_version")).scalar_one()
    connection.execute(sa.text("PRAGMA writable_schema = ON"))
    connection.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'cases'"),
                       {"sql": sql.replace(before, after)})
    connection.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    connection.execute(sa.text("PRAGMA writable_schema = OFF"))


def upgrade():
    op.add_column('cases', sa.Column('received_at', sa.DateTime(), nullable=True))
    _replace_source_check(OLD_SOURCES, NEW_SOURCES)


def downgrade():
    # The older schema knows no `other`: those cases go back to the default source.
    op.execute("UPDATE cases SET source = 'hotline' WHERE source = 'other'")
    _replace_source_check(NEW_SOURCES, OLD_SOURCES)
    # Not in batch mode, so that SQLite (3.35 on) drops the column in place (see 0005).
    op.drop_column('cases', 'received_at')
