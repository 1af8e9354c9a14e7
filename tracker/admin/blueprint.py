"""The settings blueprint and what its pages share."""
from __future__ import annotations

from collections.abc import Collection
from typing import overload

from flask import Blueprint, request

bp = Blueprint("admin", __name__, url_prefix="/admin")


@overload
def chosen(name: str, allowed: Collection[str], default: str) -> str: ...
@overload
def chosen(name: str, allowed: Collection[str], default: None = None) -> str | None: ...
def chosen(name: str, allowed: Collection[str], default: str | None = None) -> str | None:
    """A query-string filter's value when it is one of `allowed`, else the default."""
    value = request.args.get(name, "")
    return value if value in allowed else default


def search_text() -> str:
    return request.args.get("q", "").strip()[:100]
