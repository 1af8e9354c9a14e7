"""Every text search in the application: the words a person typed, matched as they mean them.

A search is words separated by spaces (full-width spaces too); a row matches when it holds ALL
of them, in any order, each anywhere in its text, case aside. Nothing typed is an operator:
`%`, `_`, quotes, `*`, `AND`, `NEAR` are characters to find like any other.

Commitments and cases are found through the search documents that migration 0010 builds and
its triggers keep in step (SQLite FTS5 over two-character grams; PostgreSQL a GIN index over
the one- and two-character grams of each lower-cased text, migration 0015): see those
migrations for what each document holds. On PostgreSQL a list of commitments first reads a
`sample` of the documents, then `probe`s the index or walks the list in its order
(commitments/queries.py, bench/README.md "Search").
The public searches a commitment's public text only, never the hotline text. The small tables
(users, departments) are searched with LIKE.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Select,
    Text,
    and_,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from .extensions import db

MAX_WORDS = 10
# A search counts its matches up to this many: "1,000+" tells a reader to add a word, and an
# exact count of 60,000 matches costs more than the page itself (bench/README.md).
COUNT_CAP = 1000
LIKE_ESCAPE = "\\"
# Tables and views that exist outside the models: the search documents of migration 0010.
SEARCH_PREFIX = "search_"
# How many documents a PostgreSQL search reads in stored order to judge how common its words are.
SAMPLE = 3000
SAMPLE_PERCENT = 5   # of the pages: SAMPLE rows at 100,000 documents and more

_COMMITMENT_DOCUMENT = ("search_commitments", ("public", "private"))
_CASE_DOCUMENT = ("search_cases", ("body",))


def words(text: str | None) -> list[str]:
    """The distinct words of a search, lower-cased, in the order typed (at most MAX_WORDS)."""
    found: list[str] = []
    for word in (text or "").lower().split():
        if word not in found:
            found.append(word)
    return found[:MAX_WORDS]


class Total(int):
    """How many rows match; `capped` when there are more than that (see COUNT_CAP)."""

    capped: bool = False


def count(query: Select, text: str | None) -> Total:
    """How many rows `query` finds: exactly without search words, at most COUNT_CAP with them."""
    if not words(text):
        return Total(db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    found = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).limit(COUNT_CAP + 1).subquery())) or 0
    total = Total(min(found, COUNT_CAP))
    total.capped = found > COUNT_CAP
    return total


def only_matching(query: Select, key: Any, text: str | None, *, public: bool = False,
                  cases: bool = False) -> Select:
    """`query` narrowed to the commitments (or with `cases`, the cases) whose `key` holds every
    word. On SQLite the full-text table is joined, so that the matches stream from the index."""
    found = words(text)
    if not found:
        return query
    document, columns = _document(public, cases)
    if db.session.get_bind().dialect.name == "postgresql":
        _short_queries()
        return query.where(_postgresql(key, document, columns, found))
    match, rechecks = _sqlite_parts(key, document, columns, found)
    if match is None:
        return query.where(*rechecks)
    fts = table(document, column("rowid"))
    return query.join(fts, fts.c.rowid == key).where(match, *rechecks)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic's comparison of models and database: the search documents are not models."""
    return not (type_ == "table" and (name or "").startswith(SEARCH_PREFIX))


def like_all(columns: Iterable[Any], text: str | None) -> ColumnElement[bool]:
    """Rows where every word is in one of the columns (for small tables)."""
    columns = list(columns)
    return and_(true(), *(or_(*(c.icontains(word, autoescape=True) for c in columns)) for word in words(text)))


def like_pattern(word: str) -> str:
    """A LIKE pattern matching `word` anywhere, its % and _ taken literally."""
    for special in (LIKE_ESCAPE, "%", "_"):
        word = word.replace(special, LIKE_ESCAPE + special)
    return f"%{word}%"


def probe(text: str | None, *, public: bool = False, cases: bool = False, limit: int = COUNT_CAP) -> list[int] | None:
    """On PostgreSQL: the ids of the first `limit` + 1 documents that hold every word; None
    without words or on another database. The probe reads the narrow documents alone with a
    LIMIT, through the words' gram index (migration 0015)."""
    found = words(text)
    if not found or db.session.get_bind().dialect.name != "postgresql":
        return None
    doc, conditions = _postgresql_parts(*_document(public, cases), found)
    _short_queries()
    return list(db.session.scalars(select(doc.c.id).where(*conditions).limit(limit + 1)))


def sample(text: str | None, *, public: bool = False) -> tuple[int, int]:
    """On PostgreSQL: how many of the first SAMPLE stored commitment documents hold every word,
    and how many were read ((0, 0) without words or on another database). A plain read of the
    narrow texts, whatever the words: it tells a word in most documents (小区), for which the
    gram index would list tens of thousands of matches, from a rarer one."""
    found = words(text)
    if not found or db.session.get_bind().dialect.name != "postgresql":
        return 0, 0
    document, columns = _document(public, False)
    doc = table(document, column("id"), *(column(name) for name in columns))
    # Pages picked at random but the same each time (the stored order is the order of an
    # INSERT … SELECT, not random: its first rows can all be one kind of case).
    pages = doc.tablesample(func.system(SAMPLE_PERCENT), seed=literal(0))
    first = select(*pages.c).limit(SAMPLE).subquery()
    _short_queries()
    read, matched = db.session.execute(select(
        func.count(), func.count().filter(and_(*_word_conditions(first, columns, found, probe=False))))
        .select_from(first)).one()
    return matched, read


def row_matches(key: Any, text: str | None, *, public: bool = False, cases: bool = False) -> ColumnElement[bool]:
    """On PostgreSQL: the words checked against one row's document, looked up by its key.

    A scalar subquery is never turned into a join: the planner walks the rows in whatever
    order the query wants (an index on the sort key, a plain scan under a LIMIT) and checks
    each, stopping at the LIMIT. That is the fast plan when many rows match (`probe` finds
    more than COUNT_CAP, densely); for rarer words the index-driven `only_matching` is. The
    check reads the row's narrow text alone (`LIKE`), never its grams."""
    found = words(text)
    if not found:
        return true()
    doc, conditions = _postgresql_parts(*_document(public, cases), found, probe=False)
    return func.coalesce(select(and_(*conditions)).where(doc.c.id == key).scalar_subquery(), False)


def _short_queries() -> None:
    """No JIT compilation and no parallel workers for the rest of this transaction (PostgreSQL).
    `search_grams` is declared costly (migration 0015), so a search's plan passes
    `jit_above_cost` and compiling it took 100–1,500 ms on the benchmark; and starting workers
    for a probe took ~13 of its 15 ms (Gather 14.7 ms over workers of 1.2 ms each)."""
    db.session.execute(select(func.set_config("jit", "off", True),
                              func.set_config("max_parallel_workers_per_gather", "0", True)))


def _document(public: bool, cases: bool) -> tuple[str, tuple[str, ...]]:
    document, columns = _CASE_DOCUMENT if cases else _COMMITMENT_DOCUMENT
    return document, ("public",) if public and not cases else columns


def _postgresql_parts(document: str, columns: tuple[str, ...], found: list[str], *,
                      probe: bool = True) -> tuple[Any, list[ColumnElement[bool]]]:
    """The document table and the conditions that it holds every word (`_word_conditions`)."""
    doc = table(document, column("id"), *(column(name) for name in columns))
    return doc, _word_conditions(doc, columns, found, probe=probe)


def _word_conditions(doc: Any, columns: tuple[str, ...], found: list[str], *,
                     probe: bool = True) -> list[ColumnElement[bool]]:
    """Per word, that some column holds it: `LIKE` on the lower-cased text, and for a `probe` (a search
    over many documents) the word's grams in the column's GIN index (migration 0015). The index
    condition is exact and never computed again for the rows it returns; a check of rows read
    otherwise (`row_matches`, `sample`) needs the text alone: computing grams costs ~1 ms a row."""
    conditions: list[ColumnElement[bool]] = []
    for word in found:
        # The documents are lower-cased (migration 0015); so is the word, as PostgreSQL does it.
        pattern = func.lower(like_pattern(word))
        conditions.append(or_(*(doc.c[name].like(pattern, escape=LIKE_ESCAPE) for name in columns)))
        if probe:
            grams = type_coerce(_grams(word), ARRAY(Text))
            conditions.append(or_(*(func.search_grams(doc.c[name]).op("@>", is_comparison=True)(grams)
                                    for name in columns)))
    return conditions


def _grams(word: str) -> list[str]:
    """What `search_grams` holds of any text that holds `word`: the word itself when it has one
    or two characters, else its two-character grams."""
    if len(word) <= 2:
        return [word]
    return sorted({word[i:i + 2] for i in range(len(word) - 1)})


def _postgresql(key: Any, document: str, columns: tuple[str, ...], found: list[str]) -> ColumnElement[bool]:
    doc, conditions = _postgresql_parts(document, columns, found)
    return key.in_(select(doc.c.id).where(*conditions))


def _sqlite_parts(key: Any, document: str, columns: tuple[str, ...],
                  found: list[str]) -> tuple[ColumnElement[bool] | None, list[ColumnElement[bool]]]:
    """The FTS5 MATCH of the words (None when no word has an indexed character) and the LIKE
    checks of the words the grams cannot say exactly (with punctuation in them)."""
    phrases = [_fts_phrase(word) for word in found]
    indexed = [phrase for phrase in phrases if phrase]
    match = None
    if indexed:
        scope = "{" + " ".join(columns) + "} : "
        match = literal_column(document).op("MATCH")(literal(" AND ".join(f"{scope}{p}" for p in indexed)))
    raw = table(f"{document}_text", column("id"), *(column(name) for name in columns))
    rechecks: list[ColumnElement[bool]] = []
    for word, phrase in zip(found, phrases, strict=True):  # a phrase per word
        if not phrase or not _all_token_characters(word):
            pattern = like_pattern(word)
            rechecks.append(exists(select(literal(1)).select_from(raw).where(
                raw.c.id == key, or_(*(raw.c[name].like(pattern, escape=LIKE_ESCAPE) for name in columns)))))
    return match, rechecks


def _fts_phrase(word: str) -> str:
    """An FTS5 phrase of the word's two-character grams (a prefix query for one character);
    empty when the word has nothing the tokenizer indexes."""
    if not any(_is_token_character(ch) for ch in word):
        return ""
    if len(word) == 1:
        return f'"{_quoted(word)}"*'
    grams = " ".join(word[i:i + 2] for i in range(len(word) - 1))
    return f'"{_quoted(grams)}"'


def _quoted(text: str) -> str:
    return text.replace('"', '""')


def _all_token_characters(word: str) -> bool:
    return all(_is_token_character(ch) for ch in word)


def _is_token_character(ch: str) -> bool:
    """As FTS5's unicode61 tokenizer judges: letters, numbers and private-use characters."""
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"
