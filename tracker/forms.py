"""What every page form shares: putting a service's refusal on the form.

A view validates its form, calls one service function and, when the service refuses with an
`AppError`, shows the refusal beside the fields it concerns and renders the page again.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, NamedTuple

from flask import flash
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm

from .errors import AppError

# The key a refusal without field messages is filed under, so `aliases` can still place it.
WHOLE_FORM = "_"


class Placement(NamedTuple):
    placed: bool
    """Whether any message landed beside a field."""
    rest: list[str]
    """The messages that found no field, each once, for the caller to flash or show above the form."""


def place_error(form: FlaskForm, error: AppError, *, aliases: Mapping[str, str] | None = None,
                messages: Mapping[str, str | LazyString] | None = None) -> Placement:
    """Put each of the refusal's field messages beside the form field it names.

    `aliases` maps a service field name to the form's (`"complainant.name"` → `"complainant_name"`);
    `messages` says, by service field name, what to write instead of the service's own words.
    A refusal without fields, or a field the form lacks, comes back in `rest` as the refusal's
    message (or its `messages` entry).
    """
    aliases = aliases or {}
    messages = messages or {}
    placed = False
    rest: dict[str, None] = {}
    for name, said in (error.fields or {WHOLE_FORM: [error.message]}).items():
        instead = messages.get(name)
        field = form._fields.get(aliases.get(name, name))
        if field is None:
            rest[str(instead) if instead is not None else error.message] = None
            continue
        field.errors = [*field.errors, *([str(instead)] if instead is not None else said)]
        placed = True
    return Placement(placed, list(rest))


def flash_unplaced(form: FlaskForm, error: AppError, *, aliases: Mapping[str, str] | None = None) -> int:
    """Put the refusal beside its fields, or in a flash when none of it fits the form; its status."""
    if not place_error(form, error, aliases=aliases).placed:
        flash(error.message, "error")
    return error.status


class ServiceForm(FlaskForm):
    """A form whose `show_error` puts a service's refusal beside its fields and the rest above the form.

    `SERVICE_FIELDS` says where a service field name lands on this form, `SERVICE_MESSAGES` what to
    say there instead of the service's words.
    """

    SERVICE_FIELDS: ClassVar[Mapping[str, str]] = {}
    SERVICE_MESSAGES: Mapping[str, str | LazyString] = {}

    def show_error(self, error: AppError) -> None:
        rest = place_error(self, error, aliases=self.SERVICE_FIELDS, messages=self.SERVICE_MESSAGES).rest
        self.form_errors.extend(rest)


def form_status(form: FlaskForm) -> int:
    """200 for a form shown afresh, 422 for one sent back with errors."""
    return 422 if form.is_submitted() else 200
