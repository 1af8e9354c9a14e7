"""Import of hotline work orders (a 12345 system's CSV or XLSX export) into the case pool.

One module serves `tracker import-cases` and the upload page alike: `read_export` reads a
file and finds its header, `plan_import` decides row by row what would happen (the dry run),
and `apply_import` carries the plan out in one transaction. A work-order number seen before
updates its case; it never makes a second one.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import ConflictError
from ..extensions import db
from ..models import Case, CaseDepartment, Department, User
from .import_files import ImportFileError, Row, Table, read_table
from .import_mapping import FIELDS, DepartmentDirectory, auto_mapping, missing_columns, source_of
from .refs import assign_ref

CREATE, UPDATE, REJECT = "create", "update", "reject"
HEADER_SEARCH_ROWS = 10  # a title line or two may stand above the header
QUERY_CHUNK = 500
# Case fields copied as they are; `source` and `departments` are translated first.
TEXT_FIELDS = ("title", "summary", "location", "category", "complainant_name", "complainant_phone")
# Cells that are numbers in a spreadsheet but identifiers to us.
IDENTIFIER_FIELDS = ("work_order_no", "complainant_phone")


@dataclass(frozen=True)
class Export:
    """A readable file: its rows, the header row and the mapping its header suggests."""

    table: Table
    header: Row
    auto_mapping: dict[str, int | None]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.header.cells

    @property
    def data_rows(self) -> list[Row]:
        return [row for row in self.table.rows if row.line > self.header.line]


def read_export(data: bytes) -> Export:
    """The file's rows and header; `ImportFileError` when it is not a CSV or XLSX file."""
    table = read_table(data)
    candidates = [(row, auto_mapping(row.cells)) for row in table.rows[:HEADER_SEARCH_ROWS]]
    header, mapping = max(candidates, key=lambda pair: sum(i is not None for i in pair[1].values()))
    return Export(table=table, header=header, auto_mapping=mapping)


@dataclass
class RowOutcome:
    """What happens (or would happen) to one row of the file."""

    line: int
    values: dict[str, str]
    departments: list[Department]
    reasons: list[str]
    action: str = ""

    @property
    def work_order_no(self) -> str:
        return self.values.get("work_order_no", "")

    @property
    def title(self) -> str:
        return self.values.get("title", "")

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class ImportPlan:
    export: Export
    mapping: dict[str, int | None]
    rows: list[RowOutcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def rejections(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.action == REJECT]


def _identifier(text: str) -> str:
    # '0123 keeps Excel from eating a leading zero; 13900000001.0 is a number gone through a float.
    text = text.removeprefix("'").strip()
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text


def _row_values(row: Row, mapping: dict[str, int | None]) -> dict[str, str]:
    values = {name: row.cell(index) for name, index in mapping.items() if index is not None}
    for name in IDENTIFIER_FIELDS:
        if name in values:
            values[name] = _identifier(values[name])
    return values


def _check_row(row: Row, plan: ImportPlan, directory: DepartmentDirectory, seen: dict[str, int]) -> RowOutcome:
    values = _row_values(row, plan.mapping)
    reasons = []
    number = values["work_order_no"]
    if not number:
        reasons.append(_("The work order number is empty."))
    elif number in seen:
        reasons.append(_("Duplicate work order number, see line %(line)s.", line=seen[number]))
    else:
        seen[number] = row.line
    if not values["title"]:
        reasons.append(_("The title is empty."))
    for f in FIELDS:
        limit, value = f.max_length, values.get(f.name, "")
        if limit and len(value) > limit:
            column = plan.export.columns[plan.mapping[f.name]] or f.headers[0]
            reasons.append(_("%(column)s is too long: %(length)s characters, at most %(limit)s.",
                             column=column, length=len(value), limit=limit))
    if "source" in values and source_of(values["source"]) is None:
        reasons.append(_("Unknown source: %(value)s", value=values["source"]))
    departments, department_reasons = directory.resolve(values["departments"])
    return RowOutcome(line=row.line, values=values, departments=departments,
                      reasons=reasons + department_reasons)


def plan_import(export: Export, mapping: dict[str, int | None] | None = None) -> ImportPlan:
    """The dry run: what each row would do. Changes nothing.

    `ImportFileError` when a required field has no column.
    """
    mapping = dict(export.auto_mapping if mapping is None else mapping)
    missing = missing_columns(mapping)
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s. The header row must name them.",
                                columns="、".join(f.headers[0] for f in missing)))
    plan = ImportPlan(export=export, mapping=mapping)
    directory, seen = DepartmentDirectory(), {}
    plan.rows = [_check_row(row, plan, directory, seen) for row in export.data_rows]
    known = _cases_by_work_order(row.work_order_no for row in plan.rows if not row.reasons)
    for row in plan.rows:
        row.action = REJECT if row.reasons else UPDATE if row.work_order_no in known else CREATE
    return plan


def _cases_by_work_order(numbers: Iterable[str]) -> dict[str, Case]:
    wanted = sorted(set(numbers))
    found: dict[str, Case] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start:start + QUERY_CHUNK]
        for case in db.session.scalars(select(Case).where(Case.work_order_no.in_(chunk))):
            found[case.work_order_no] = case
    return found


def _set_departments(case: Case, departments: list[Department]) -> None:
    # Keep the links that stay, so that an unchanged case is not rewritten.
    current = {link.department_id: link for link in case.department_links}
    links = []
    for position, department in enumerate(departments):
        link = current.get(department.id) or CaseDepartment(department=department)
        link.position = position
        links.append(link)
    case.department_links = links


def _fill(case: Case, row: RowOutcome) -> None:
    """Copy the row onto the case; a column that is not mapped leaves its field alone."""
    for name in TEXT_FIELDS:
        if name in row.values:
            setattr(case, name, row.values[name])
    if "source" in row.values:
        case.source = source_of(row.values["source"])
    _set_departments(case, row.departments)


def apply_import(plan: ImportPlan, user: User | None = None) -> ImportPlan:
    """Create and update the cases of the plan's valid rows, all in one transaction.

    The plan's actions are brought up to date with what was really done. A clash with a
    concurrent writer rolls everything back (`ConflictError`).
    """
    accepted = [row for row in plan.rows if row.action != REJECT]
    try:
        cases = _cases_by_work_order(row.work_order_no for row in accepted)
        for row in accepted:
            case = cases.get(row.work_order_no)
            row.action = CREATE if case is None else UPDATE
            if case is None:
                case = Case(work_order_no=row.work_order_no, created_by_id=user.id if user else None)
                _fill(case, row)
                assign_ref(case)
                db.session.add(case)
            else:
                _fill(case, row)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ConflictError(_("The case pool changed while the file was being imported, so nothing was imported. "
                              "Please try again.")) from error
    except Exception:
        db.session.rollback()  # all or nothing, whatever went wrong
        raise
    return plan


def import_cases(data: bytes, *, dry_run: bool = False, user: User | None = None) -> ImportPlan:
    """Read a file with its own header's mapping, then apply it unless this is a dry run."""
    plan = plan_import(read_export(data))
    return plan if dry_run else apply_import(plan, user)
