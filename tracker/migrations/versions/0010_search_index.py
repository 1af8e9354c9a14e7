"""search: a full-text index of commitments and cases, kept in sync by triggers

Every commitment has a search document: `public` (what was promised, the official, the case's
PUBLIC title and summary, its ref, the department's name) and `private` (the case's hotline
title and summary). The public tracker searches `public` only, so a phone number or a name in
the hotline text never finds a case for the public. Staff searches read both. Every case has
one staff document, `body`: ref, work order, hotline and public text, location, the names of its
departments and of the officials who made its commitments.

SQLite: the documents' text is kept in the tables `search_*_text` (built by the views
`search_*_build` from the application's tables); FTS5 tables `search_commitments` /
`search_cases` (unicode61 tokenizer) index it through the views `search_*_source`, which cut
the text into overlapping two-character grams
("电梯坏了" → "电梯 梯坏 坏了 了"), so a two-character word (most Chinese words: 电梯, 物业) is one
token, a longer word is a phrase of consecutive grams (an exact substring match), and a single
character is a prefix query. FTS5's trigram tokenizer cannot find words under three characters
at all, hence the grams. `search_positions` (1 … 65536) numbers the characters, since a trigger
may not use a recursive CTE.

PostgreSQL: tables `search_commitments` / `search_cases` hold the documents' text, with pg_trgm
GIN indexes (words of three characters and more, `ILIKE`) and GIN indexes on
the stored `*_grams` columns, `search_grams(text)`: the one- and two-character grams (shorter
words, `@>`), which pg_trgm cannot serve.

Triggers on `commitments`, `cases`, `departments` and `case_departments` rewrite the documents
a change touches (SQLite: the old document is removed in a BEFORE trigger, the new one built
and added in an AFTER trigger). The text is stored rather than only viewed because a view's
expression would be computed again for every character cut into grams.

Caution for later revisions: a batch-mode (`op.batch_alter_table`) migration that RECREATES
one of those four tables on SQLite drops its triggers with it. Such a revision must drop and
re-create the triggers (`drop_triggers()` / `create_triggers()` below show how) and rebuild the
index (`INSERT INTO search_commitments(search_commitments) VALUES ('rebuild')`, same for
`search_cases`). Adding a column in batch mode on SQLite does not recreate the table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 00:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

POSITIONS = 65536

# The documents: name → (columns, the SELECT that gives id and each column's raw text).
DOCUMENTS = {
    'search_commitments': (('public', 'private'), """
        SELECT c.id AS id,
               c.content || ' ' || c.official_name || ' ' || c.official_title || ' ' || k.public_title || ' '
               || k.public_summary || ' ' || k.ref || ' ' || d.name AS public,
               k.title || ' ' || k.summary AS private
        FROM commitments c JOIN cases k ON k.id = c.case_id JOIN departments d ON d.id = c.department_id"""),
    'search_cases': (('body',), """
        SELECT k.id AS id,
               k.ref || ' ' || coalesce(k.work_order_no, '') || ' ' || k.title || ' ' || k.summary || ' '
               || k.location || ' ' || k.public_title || ' ' || k.public_summary || ' '
               || coalesce((SELECT {concat_departments} FROM case_departments l
                            JOIN departments d ON d.id = l.department_id WHERE l.case_id = k.id), '') || ' '
               || coalesce((SELECT {concat_officials} FROM commitments c WHERE c.case_id = k.id), '') AS body
        FROM cases k"""),
}
CONCAT = {'sqlite': ("group_concat(d.name, ' ')", "group_concat(c.official_name, ' ')"),
          'postgresql': ("string_agg(d.name, ' ')", "string_agg(c.official_name, ' ')")}

# What a row change rewrites: (document, table, columns whose update matters, the ids of the
# documents a row touches, with {row} standing for OLD or NEW).
DEPENDENCIES = [
    ('search_commitments', 'commitments', ('content', 'official_name', 'official_title', 'case_id', 'department_id'),
     'SELECT {row}.id'),
    ('search_commitments', 'cases', ('ref', 'title', 'summary', 'public_title', 'public_summary'),
     'SELECT id FROM commitments WHERE case_id = {row}.id'),
    ('search_commitments', 'departments', ('name',), 'SELECT id FROM commitments WHERE department_id = {row}.id'),
    ('search_cases', 'cases', ('ref', 'work_order_no', 'title', 'summary', 'location', 'public_title',
                               'public_summary'), 'SELECT {row}.id'),
    ('search_cases', 'case_departments', ('case_id', 'department_id'), 'SELECT {row}.case_id'),
    ('search_cases', 'departments', ('name',),
     'SELECT case_id FROM case_departments WHERE department_id = {row}.id'),
    ('search_cases', 'commitments', ('official_name', 'case_id'), 'SELECT {row}.case_id'),
]


def _source(name: str, dialect: str) -> str:
    departments, officials = CONCAT[dialect]
    return DOCUMENTS[name][1].format(concat_departments=departments, concat_officials=officials)


def _sqlite_grams(expression: str) -> str:
    """The text as space-separated two-character grams (and its last character alone)."""
    return (f"(SELECT group_concat(substr({expression}, p.n, 2), ' ') FROM search_positions p "
            f"WHERE p.n <= length({expression}))")


def _trigger_name(document: str, table: str, when: str = '') -> str:
    return f"{document}_on_{table}{when}"


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    drop_triggers(postgresql)
    for name in DOCUMENTS:
        op.execute(f"DROP TABLE IF EXISTS {name}")
        op.execute(f"DROP VIEW IF EXISTS {name}_source")
        op.execute(f"DROP VIEW IF EXISTS {name}_build")
        op.execute(f"DROP TABLE IF EXISTS {name}_text")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS search_grams(text)")
    else:
        op.execute("DROP TABLE IF EXISTS search_positions")


def _upgrade_sqlite():
    op.execute("CREATE TABLE search_positions (n INTEGER PRIMARY KEY)")
    op.execute(f"WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < {POSITIONS}) "
               "INSERT INTO search_positions (n) SELECT n FROM p")
    for name, (columns, _) in DOCUMENTS.items():
        op.execute(f"CREATE VIEW {name}_build AS {_source(name, 'sqlite')}")
        op.execute(f"CREATE TABLE {name}_text (id INTEGER PRIMARY KEY, "
                   + ', '.join(f"{column} TEXT NOT NULL" for column in columns) + ")")
        op.execute(f"INSERT INTO {name}_text SELECT * FROM {name}_build")
        grams = ', '.join(f"{_sqlite_grams('t.' + column)} AS {column}" for column in columns)
        op.execute(f"CREATE VIEW {name}_source AS SELECT t.id AS id, {grams} FROM {name}_text t")
        op.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({', '.join(columns)}, content='{name}_source', "
                   "content_rowid='id', tokenize='unicode61')")
        op.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
    create_triggers(postgresql=False)


def _upgrade_postgresql():
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The one- and two-character grams of the text, lower-cased, without whitespace.
    op.execute("""
        CREATE FUNCTION search_grams(text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
                SELECT substr(lower($1), n, w) AS g
                FROM generate_series(1, char_length($1)) AS n, (VALUES (1), (2)) AS widths(w)) AS grams
            WHERE g !~ '\\s'
        $$""")
    for name, (columns, _) in DOCUMENTS.items():
        op.execute(f"CREATE VIEW {name}_source AS {_source(name, 'postgresql')}")
        # The grams are stored, not only indexed: a bitmap scan rechecks every condition on
        # every row it reads, and computing the grams again there costs seconds.
        op.execute(f"CREATE TABLE {name} (id integer PRIMARY KEY, "
                   + ', '.join(f"{column} text NOT NULL, {column}_grams text[] GENERATED ALWAYS AS "
                               f"(search_grams({column})) STORED" for column in columns) + ")")
        op.execute(f"INSERT INTO {name} ({', '.join(('id', *columns))}) SELECT * FROM {name}_source")
        for column in columns:
            op.execute(f"CREATE INDEX {name}_{column}_trgm ON {name} USING gin ({column} gin_trgm_ops)")
            op.execute(f"CREATE INDEX {name}_{column}_grams ON {name} USING gin ({column}_grams)")
    create_triggers(postgresql=True)


def create_triggers(postgresql: bool) -> None:
    """The triggers that keep the documents in step with the tables they are made from."""
    for document, table, columns, ids in DEPENDENCIES:
        touched = f"{ids.format(row='OLD')} UNION {ids.format(row='NEW')}"
        events = {'INSERT': ids.format(row='NEW'), 'DELETE': ids.format(row='OLD'),
                  f"UPDATE OF {', '.join(columns)}": touched}
        if postgresql:
            _postgresql_trigger(document, table, columns, touched)
            continue
        names = ', '.join(DOCUMENTS[document][0])
        for event, chosen in events.items():
            suffix = '_' + event.split()[0].lower()
            op.execute(f"""
                CREATE TRIGGER {_trigger_name(document, table, suffix + '_before')} BEFORE {event} ON {table}
                BEGIN
                    INSERT INTO {document}({document}, rowid, {names})
                    SELECT 'delete', id, {names} FROM {document}_source WHERE id IN ({chosen});
                    DELETE FROM {document}_text WHERE id IN ({chosen});
                END""")
            op.execute(f"""
                CREATE TRIGGER {_trigger_name(document, table, suffix + '_after')} AFTER {event} ON {table}
                BEGIN
                    INSERT INTO {document}_text SELECT * FROM {document}_build WHERE id IN ({chosen});
                    INSERT INTO {document}(rowid, {names})
                    SELECT id, {names} FROM {document}_source WHERE id IN ({chosen});
                END""")


def _postgresql_trigger(document: str, table: str, columns: tuple, touched: str) -> None:
    name = _trigger_name(document, table)
    op.execute(f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM {document} WHERE id IN ({touched});
            INSERT INTO {document} ({', '.join(('id', *DOCUMENTS[document][0]))}) SELECT * FROM {document}_source
            WHERE id IN ({touched});
            RETURN NULL;
        END $$""")
    op.execute(f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {', '.join(columns)} ON {table} "
               f"FOR EACH ROW EXECUTE FUNCTION {name}()")


def drop_triggers(postgresql: bool) -> None:
    for document, table, _, _ in DEPENDENCIES:
        if postgresql:
            name = _trigger_name(document, table)
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
            continue
        for event in ('insert', 'delete', 'update'):
            for when in ('before', 'after'):
                op.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(document, table, f'_{event}_{when}')}")
