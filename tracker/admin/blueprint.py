"""The settings blueprint and what its pages share."""
from __future__ import annotations

from collections.abc import Collection
from typing import overload

from flask import Blueprint, flash, request
from flask_wtf import FlaskForm

from ..errors import AppError

bp = Blueprint("admin", __name__, url_prefix="/admin")


def show_service_errors(form: FlaskForm, error: AppError, aliases: dict[str, str] | None = None) -> int:
    """Put a service's field messages beside the form's fields, anything else in a flash; the status."""
    placed = False
    for name, messages in error.fields.items():
        field = form._fields.get((aliases or {}).get(name, name))
        if field is not None:
            field.errors = [*field.errors, *messages]
            placed = True
    if not placed:
        flash(error.message, "error")
    return error.status


def form_status(form: FlaskForm) -> int:
    """200 for a form shown afresh, 422 for one sent back with errors."""
    return 422 if form.is_submitted() else 200


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
