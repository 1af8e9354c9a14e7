"""What importing a work order again would change on its case, and the rule that protects what aired.

A case that has been on air (as Open311 counts it: status `aired`, a running-order item of it
taken on air, or a commitment recorded for it) was seen by the public. Re-importing it changes
it only when the producer confirms, and its public text — what the public saw — stays as it is
unless the producer asks to replace it with the new hotline text (masked). A case not yet on air
follows the model's rule: its public text follows a changed hotline text unless an editor wrote
one.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Case, CaseSource
from ..opendata.open311 import on_air
from .import_mapping import FIELDS
from .labels import source_label
from .personal_data import masked
from .service import set_departments

if TYPE_CHECKING:
    from .importer import RowOutcome

# Case fields copied as they are; `source`, `departments` and `received_at` are translated first.
TEXT_FIELDS = ("title", "summary", "location", "category", "complainant_name", "complainant_phone")
HOTLINE_TEXT = ("title", "summary")  # each has a public counterpart, public_title and public_summary
QUERY_CHUNK = 500
LABELS = {**{f.name: f.label for f in FIELDS}, "public_title": _l("Public title"),
          "public_summary": _l("Public summary")}


@dataclass(frozen=True)
class FieldChange:
    """One field of a case as it is and as the row would make it."""

    field: str            # title, summary, …, source, departments, received_at, public_title, public_summary
    before: object
    after: object


@dataclass(frozen=True)
class PublicTextRule:
    """How an update treats the public text; `aired` cases keep it unless `replace` is asked for."""

    aired: bool
    replace: bool = False

    def after(self, case: Case, name: str, new_text: str) -> str:
        """The public text of hotline field `name` (title, summary) once it reads `new_text`."""
        current = getattr(case, f"public_{name}")
        if new_text == getattr(case, name):
            return current
        if self.aired:
            return masked(new_text) if self.replace else current
        return masked(new_text) if current == masked(getattr(case, name)) else current


def aired_case_ids(case_ids: Iterable[int]) -> set[int]:
    """Those of these cases that have been on air."""
    wanted, found = sorted(set(case_ids)), set[int]()
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start:start + QUERY_CHUNK]
        found.update(db.session.scalars(select(Case.id).where(Case.id.in_(chunk), on_air())))
    return found


def changes(case: Case, row: RowOutcome, rule: PublicTextRule) -> list[FieldChange]:
    """Every field the row would change, the public text included; [] for an unchanged row."""
    found = [FieldChange(name, getattr(case, name), row.values[name])
             for name in TEXT_FIELDS if name in row.values and row.values[name] != getattr(case, name)]
    if row.source is not None and row.source is not case.source:
        found.append(FieldChange("source", case.source, row.source))
    if [d.id for d in row.departments] != [link.department_id for link in case.department_links]:
        found.append(FieldChange("departments", case.departments, row.departments))
    if row.received_at is not None and row.received_at != case.received_at:
        found.append(FieldChange("received_at", case.received_at, row.received_at))
    for name in HOTLINE_TEXT:
        if name in row.values:
            before, after = getattr(case, f"public_{name}"), rule.after(case, name, row.values[name])
            if after != before:
                found.append(FieldChange(f"public_{name}", before, after))
    return found


def fill(case: Case, row: RowOutcome, rule: PublicTextRule | None) -> None:
    """Copy the row onto the case; a column that is not mapped leaves its field alone.

    `rule` is None for a new case, whose public text is derived from its hotline text.
    """
    public = {} if rule is None else {
        name: rule.after(case, name, row.values[name]) for name in HOTLINE_TEXT if name in row.values}
    for name in TEXT_FIELDS:
        if name in row.values:
            setattr(case, name, row.values[name])
    # Setting the hotline text may have moved the public text along (the model's rule); the
    # rule decides instead, and the model masks what is set all the same.
    for name, text in public.items():
        setattr(case, f"public_{name}", text)
    if row.source is not None:
        case.source = row.source
    if row.received_at is not None:
        case.received_at = row.received_at
    set_departments(case, row.departments)


def label(field_name: str) -> str:
    return str(LABELS.get(field_name, field_name))


def display_value(change_value: object) -> str:
    """A field's value as a person reads it in the preview."""
    if change_value is None:
        return ""
    if isinstance(change_value, CaseSource):
        return source_label(change_value)
    if isinstance(change_value, list):
        return "、".join(department.name for department in change_value)
    if isinstance(change_value, datetime):
        return format_datetime(change_value, "yyyy-MM-dd HH:mm:ss")
    return str(change_value)
