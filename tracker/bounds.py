"""The edge of the input: numbers the database can hold, JSON a parser can walk, safe redirects.

An integer beyond the database's INTEGER columns (32 bits on PostgreSQL, where every id and
version lives in one; SQLite's 64 bits hold more), a JSON document nested a thousand deep or a lone
UTF-16 surrogate would otherwise travel until SQLite, PostgreSQL or the UTF-8 encoder fails on
it — a 500. They are refused where they enter instead: a path with such a number matches no
route (404), a body or query field holding one is 422, and a body that is not sound JSON is 400.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter, ValidationError

INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1  # PostgreSQL's `integer`: no model uses BigInteger
MAX_JSON_DEPTH = 32
OUT_OF_RANGE = f"Must be between {INTEGER_MIN} and {INTEGER_MAX}."
# C0 controls and DEL, but tab, line feed and carriage return (a textarea sends CR LF): no
# keyboard types them, XML 1.0 cannot carry most of them, and an ESC in a log is a terminal
# escape sequence.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HAS_CONTROL_CHARACTERS = "Must not contain control characters."


class DatabaseInteger(IntegerConverter):
    """`<int:…>` in any route: only numbers the database can store match; the rest are a 404."""

    def to_python(self, value: str) -> int:
        if len(value) > len(str(INTEGER_MAX)):  # also spares int() a 5,000-digit string
            raise ValidationError()
        number = super().to_python(value)
        if number > INTEGER_MAX:
            raise ValidationError()
        return number


def _walk(data: Any) -> Iterator[tuple[str, int, Any]]:
    """Every value of a JSON document with its dotted path and depth, without recursion."""
    stack: list[tuple[str, int, Any]] = [("", 0, data)]
    while stack:
        path, depth, value = stack.pop()
        yield path, depth, value
        if isinstance(value, dict):
            stack.extend((f"{path}.{key}" if path else str(key), depth + 1, item) for key, item in value.items())
            yield from ((path, depth, key) for key in value)  # keys are text too
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), depth + 1, item)
                         for index, item in enumerate(value))


def json_problem(data: Any) -> str | None:
    """Why a parsed JSON body is not one we read (too deep, invalid Unicode), or None."""
    for _path, depth, value in _walk(data):
        if depth > MAX_JSON_DEPTH:
            return f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."
        if isinstance(value, str) and not _is_unicode(value):
            return "The JSON body holds text that is not valid Unicode (a lone surrogate)."
    return None


def out_of_range_fields(data: Any) -> dict[str, list[str]]:
    """Fields holding integers the database cannot store, as `{"dotted.field": [message]}`."""
    return {path or "_schema": [OUT_OF_RANGE] for path, _depth, value in _walk(data)
            if isinstance(value, int) and not isinstance(value, bool) and not INTEGER_MIN <= value <= INTEGER_MAX}


def control_character_fields(data: Any) -> dict[str, list[str]]:
    """Text fields holding control characters, as `{"dotted.field": [message]}`."""
    return {path or "_schema": [HAS_CONTROL_CHARACTERS] for path, _depth, value in _walk(data)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value)}


def without_control_characters(text: str) -> str:
    """`text` fit for XML, a spreadsheet cell or a log line: what was stored before input was
    checked, or came another way (an import), loses its control characters on the way out."""
    return CONTROL_CHARACTERS.sub("", text)


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: a `next=` must not lead anywhere else.

    Browsers drop tabs and line breaks from a URL, so `/\\t/evil.example` becomes
    `//evil.example`, another site; and a line break in a Location header is a 500 (or worse).
    So no control character, space or backslash at all.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(char) < 0x21 or char in "\\\x7f" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


MAX_PAGE_NUMBER = 100_000  # far past any real list; keeps LIMIT/OFFSET inside every database's range


def page_number(args: Any) -> int:
    """The `page` of a page's query string: 1 for anything missing or unreadable, never past
    MAX_PAGE_NUMBER (a page beyond the end is simply empty, never a 500)."""
    try:
        page = int(args.get("page", 1))
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE_NUMBER)
