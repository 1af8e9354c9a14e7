"""search probe: narrow PostgreSQL search documents, one gram index per text, no pg_trgm

PostgreSQL only (on SQLite, FTS5 of migration 0010 is unchanged: a no-op). `EXPLAIN (ANALYZE,
BUFFERS)` of the 100,000-commitment benchmark showed what made a search slow there:

- the documents held their stored gram arrays beside the text (several kB a row, TOASTed): a
  probe for a common word (小区) read ~5,200 pages for ~1,600 rows, and checking one row (the
  order-driven page) de-TOASTed its arrays;
- a word of three characters and more went through pg_trgm, whose matches are always rechecked,
  so a search mixing it with a gram condition computed the grams again on every row.

Now the documents are the text alone, lower-cased (`search_commitments`: id, public, private;
`search_cases`: id, body; the views `search_*_source` lower-case those of 0010, renamed
`search_*_as_typed`), and each text has one GIN index on the expression `search_grams(text)`
(its one- and two-character grams). Every word is looked up by its grams — a one- or
two-character word is a gram of its own, a longer one all of its two-character grams — and then
checked with `LIKE` against the lower-cased text (a cheap check on a narrow row; `ILIKE` cost
~7 µs a row). A GIN `@>` on arrays is exact, so the grams are never computed again for the rows
the index returns; `search_grams` is declared costly so that the planner never chooses to
compute them row by row over a plain scan. The pg_trgm indexes are dropped (nothing uses them
any more); the extension stays.

The triggers of migration 0010 are unchanged: they write (id, text …) rows as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 03:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

DOCUMENTS = {'search_commitments': ('public', 'private'), 'search_cases': ('body',)}
# A planner cost for search_grams (the default for a SQL function is 100 operator costs): high
# enough that a plain scan computing it for every row is never the cheaper-looking plan.
GRAMS_COST = 10000
# The same grams as migration 0010's search_grams, computed in one pass over the characters:
# 0010 cut them with substr at every position, quadratic in the length (~6x slower on the
# benchmark's texts), and the expression indexes compute them for every row.
FAST_GRAMS = r"""
    SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT unnest(ARRAY[c, c || coalesce(lead(c) OVER (ORDER BY n), '')]) AS g
        FROM unnest(string_to_array(lower($1), NULL)) WITH ORDINALITY AS chars(c, n)) AS grams
    WHERE g !~ '\s'
"""
SLOW_GRAMS = r"""
    SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT substr(lower($1), n, w) AS g
        FROM generate_series(1, char_length($1)) AS n, (VALUES (1), (2)) AS widths(w)) AS grams
    WHERE g !~ '\s'
"""


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, columns in DOCUMENTS.items():
        for column in columns:
            op.execute(f"DROP INDEX IF EXISTS {name}_{column}_trgm")
        # The text is kept lower-cased: a plain LIKE is several times cheaper than ILIKE. One
        # ALTER rewrites the table once, without the grams (dropping a column alone leaves its
        # data in every row until the row is rewritten; an UPDATE leaves every old row behind).
        op.execute(f"ALTER VIEW {name}_source RENAME TO {name}_as_typed")
        op.execute(f"CREATE VIEW {name}_source AS SELECT id, "
                   + ', '.join(f"lower({column}) AS {column}" for column in columns) + f" FROM {name}_as_typed")
        op.execute(f"ALTER TABLE {name} " + ', '.join(
            f"DROP COLUMN {column}_grams, ALTER COLUMN {column} TYPE text USING lower({column})" for column in columns))
    _grams_function(FAST_GRAMS, GRAMS_COST)
    for name, columns in DOCUMENTS.items():
        for column in columns:
            op.execute(f"CREATE INDEX {name}_{column}_grams ON {name} USING gin (search_grams({column}))")
        op.execute(f"ANALYZE {name}")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, columns in DOCUMENTS.items():
        for column in columns:
            op.execute(f"DROP INDEX IF EXISTS {name}_{column}_grams")
    _grams_function(SLOW_GRAMS, 100)
    for name, columns in DOCUMENTS.items():
        op.execute(f"DROP VIEW {name}_source")
        op.execute(f"ALTER VIEW {name}_as_typed RENAME TO {name}_source")
        op.execute(f"DELETE FROM {name}")
        op.execute(f"INSERT INTO {name} SELECT * FROM {name}_source")
        op.execute(f"ALTER TABLE {name} " + ', '.join(f"ADD COLUMN {column}_grams text[] GENERATED ALWAYS AS "
                                                      f"(search_grams({column})) STORED" for column in columns))
        for column in columns:
            op.execute(f"CREATE INDEX {name}_{column}_trgm ON {name} USING gin ({column} gin_trgm_ops)")
            op.execute(f"CREATE INDEX {name}_{column}_grams ON {name} USING gin ({column}_grams)")


def _grams_function(body: str, cost: int) -> None:
    """search_grams(text): the one- and two-character grams of the text, lower-cased, without
    whitespace (replaced only while nothing stored depends on it)."""
    op.execute("CREATE OR REPLACE FUNCTION search_grams(text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT "
               f"PARALLEL SAFE COST {cost} AS $${body}$$")
