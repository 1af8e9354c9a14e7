"""Every text search in the application: the words a person typed, matched as they mean them.

A search is words separated by spaces (full-width spaces too); a row matches when it holds ALL
of them, in any order, each anywhere in its text, case aside. Nothing typed is an operator:
`%`, `_`, quotes, `*`, `AND`, `NEAR` are characters to find like any other.

Commitments and cases are found through the search documents that migration 0010 builds and
its triggers keep in step (SQLite FTS5 over two-character grams; PostgreSQL pg_trgm and a GIN
index over one- and two-character grams): see that migration for what each document holds.
The public searches a commitment's public text only, never the hotline text. The small tables
(users, departments) are searched with LIKE.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Text, and_, column, exists, false, func, literal, literal_column, or_, select, table, true, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from .extensions import db
from .models import Commitment

MAX_WORDS = 10
LIKE_ESCAPE = "\\"
# Tables and views that exist outside the models: the search documents of migration 0010.
SEARCH_PREFIX = "search_"

_COMMITMENT_DOCUMENT = ("search_commitments", ("public", "private"))
_CASE_DOCUMENT = ("search_cases", ("body",))


def words(text: str | None) -> list[str]:
    """The distinct words of a search, lower-cased, in the order typed (at most MAX_WORDS)."""
    found: list[str] = []
    for word in (text or "").lower().split():
        if word not in found:
            found.append(word)
    return found[:MAX_WORDS]


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's comparison of models and database: the search documents are not models."""
    return not (type_ == "table" and (name or "").startswith(SEARCH_PREFIX))


def commitment_matches(text: str | None, public: bool) -> ColumnElement[bool]:
    """Commitments holding every word: for the public in the public text only; for staff in
    the hotline text as well."""
    found = words(text)
    if not found:
        return true()
    columns = ("public",) if public else _COMMITMENT_DOCUMENT[1]
    return _matches(Commitment.id, _COMMITMENT_DOCUMENT[0], columns, found)


def case_matches(text: str | None, key: Any) -> ColumnElement[bool]:
    """Cases (`key`: the case id column) holding every word in their staff text."""
    found = words(text)
    if not found:
        return true()
    return _matches(key, _CASE_DOCUMENT[0], _CASE_DOCUMENT[1], found)


def like_all(columns: Iterable[Any], text: str | None) -> ColumnElement[bool]:
    """Rows where every word is in one of the columns (for small tables)."""
    columns = list(columns)
    return and_(true(), *(or_(*(c.icontains(word, autoescape=True) for c in columns)) for word in words(text)))


def like_pattern(word: str) -> str:
    """A LIKE pattern matching `word` anywhere, its % and _ taken literally."""
    for special in (LIKE_ESCAPE, "%", "_"):
        word = word.replace(special, LIKE_ESCAPE + special)
    return f"%{word}%"


def _matches(key: Any, document: str, columns: tuple[str, ...], found: list[str]) -> ColumnElement[bool]:
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgresql(key, document, columns, found)
    return _sqlite(key, document, columns, found)


def _postgresql(key: Any, document: str, columns: tuple[str, ...], found: list[str]) -> ColumnElement[bool]:
    doc = table(document, column("id"), *(column(name) for name in columns))
    conditions = [or_(*(_postgresql_word(doc.c[name], word) for name in columns)) for word in found]
    return key.in_(select(doc.c.id).where(*conditions))


def _postgresql_word(text_column: Any, word: str) -> ColumnElement[bool]:
    # pg_trgm serves words of three characters and more; shorter ones are grams of their own.
    if len(word) >= 3:
        return text_column.ilike(like_pattern(word), escape=LIKE_ESCAPE)
    return func.search_grams(text_column).op("@>")(type_coerce([word], ARRAY(Text)))


def _sqlite(key: Any, document: str, columns: tuple[str, ...], found: list[str]) -> ColumnElement[bool]:
    phrases = [_fts_phrase(word) for word in found]
    indexed = [phrase for phrase in phrases if phrase]
    conditions: list[ColumnElement[bool]] = []
    if indexed:
        scope = "{" + " ".join(columns) + "} : "
        query = " AND ".join(f"{scope}{phrase}" for phrase in indexed)
        fts = table(document, column("rowid"))
        conditions.append(key.in_(select(fts.c.rowid).where(literal_column(document).op("MATCH")(literal(query)))))
    # Where the grams cannot say it exactly (punctuation in a word), the text itself decides.
    raw = table(f"{document}_text", column("id"), *(column(name) for name in columns))
    for word, phrase in zip(found, phrases):
        if not phrase or not _all_token_characters(word):
            pattern = like_pattern(word)
            conditions.append(exists(select(literal(1)).select_from(raw).where(
                raw.c.id == key, or_(*(raw.c[name].like(pattern, escape=LIKE_ESCAPE) for name in columns)))))
    return and_(true(), *conditions) if conditions else false()


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
