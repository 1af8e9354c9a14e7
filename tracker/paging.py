"""One page of a list: Flask-SQLAlchemy's `db.paginate` behind the lists' `(items, total)` answer."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from .extensions import db


def one_page(query: Select, page: int, per_page: int, *, total: int | None = None) -> tuple[list[Any], int]:
    """The `page`th `per_page` rows of `query` (1-based; a page past the end is empty) and how
    many rows there are in all; a caller that counted already (a capped search count) passes
    `total`, and the rows are then not counted again."""
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=total is None)
    return list(pagination.items), (pagination.total or 0) if total is None else total
