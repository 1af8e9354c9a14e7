"""Import of hotline work orders (a 12345 system's CSV or XLSX export) into the case pool.

One module serves `tracker import-cases` and the upload page alike: `read_export` reads a
file and finds its header, `plan_import` decides row by row what would happen (the dry run),
and `apply_import` carries the plan out in one transaction. A work-order number seen before
updates its case; it never makes a second one. A row that would change nothing is
"unchanged"; one that would change a case that has been on air is "held" unless the producer
confirms it (`import_changes` says what changes and how the public text is protected).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import ConflictError
from ..extensions import db
from ..models import Case, CaseSource, Department, User, utcnow
from .import_changes import FieldChange, PublicTextRule, aired_case_ids, changes, fill, label
from .import_files import YIELD_EVERY, ImportFileError, Row, RowLimit, Table, give_way, read_table
from .import_mapping import FIELDS, DepartmentDirectory, auto_mapping, missing_columns, received_at_of, source_of
from .labels import source_label
from .refs import assign_ref

CREATE, UPDATE, UNCHANGED, HELD, REJECT = "create", "update", "unchanged", "held", "reject"
ACTIONS = (CREATE, UPDATE, REJECT, UNCHANGED, HELD)  # in the order the summary line gives them
HEADER_SEARCH_ROWS = 10  # a title line or two may stand above the header
QUERY_CHUNK = 500
# Cells that are numbers in a spreadsheet but identifiers to us.
IDENTIFIER_FIELDS = ("work_order_no", "complainant_phone")
EARLIEST_RECEIVED = datetime(2000, 1, 1, tzinfo=UTC)  # before it, a 受理时间 is a slip (Excel's 1900 …)
# A CSV export has its delimiters on every record; a text file with the header names on top
# has mostly lines without any.
MOST = 0.5
# Told how many of how many rows are done, every YIELD_EVERY rows of a long loop.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """What the producer confirmed: changing cases that have been on air, and their public text."""

    confirm_aired: bool = False
    replace_public_text: bool = False


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


def read_export(data: bytes, limit: RowLimit | None = None) -> Export:
    """The file's rows and header; `ImportFileError` when it is not a CSV or XLSX export.

    `limit` refuses a file with too many rows while it is read, and reports the rows read.
    """
    table = read_table(data, limit)
    candidates = [(row, auto_mapping(row.cells)) for row in table.rows[:HEADER_SEARCH_ROWS]]
    header, mapping = max(candidates, key=lambda pair: sum(i is not None for i in pair[1].values()))
    export = Export(table=table, header=header, auto_mapping=mapping)
    if table.kind == "csv" and not _shaped_like_an_export(export):
        raise ImportFileError(_("This text file has the column names, but its lines are not the records of a CSV "
                                "export. Export the work orders from the hotline system as CSV or Excel (.xlsx)."))
    return export


def _shaped_like_an_export(export: Export) -> bool:
    rows = export.data_rows
    if len(export.header.cells) < 2:
        return False
    lines_without_delimiter = sum(len(row.cells) < 2 for row in rows)
    return not rows or lines_without_delimiter <= MOST * len(rows)


@dataclass
class RowOutcome:
    """What happens (or would happen) to one row of the file."""

    line: int
    values: dict[str, str]
    departments: list[Department]
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)
    source: CaseSource | None = None          # None: the file has no 来源 column
    received_at: datetime | None = None       # None: no valid 受理时间
    action: str = ""
    case_ref: str = ""                        # the case it updates (or would)
    aired: bool = False                       # that case has been on air
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def work_order_no(self) -> str:
        return self.values.get("work_order_no", "")

    @property
    def title(self) -> str:
        return self.values.get("title", "")

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    @property
    def warning(self) -> str:
        return " ".join(self.warnings)  # each ends as a sentence

    @property
    def changed_fields(self) -> list[str]:
        return [change.field for change in self.changes]

    @property
    def changed_labels(self) -> str:
        """The fields the row changes, as people call them: 标题、诉求内容."""
        return "、".join(label(change.field) for change in self.changes)


@dataclass
class ImportPlan:
    export: Export
    mapping: dict[str, int | None]
    options: ImportOptions = field(default_factory=ImportOptions)
    rows: list[RowOutcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    def rows_doing(self, action: str) -> list[RowOutcome]:
        return [row for row in self.rows if row.action == action]

    @property
    def rejections(self) -> list[RowOutcome]:
        return self.rows_doing(REJECT)

    @property
    def aired_updates(self) -> list[RowOutcome]:
        """Rows that change a case that has been on air: held, or updated with confirmation."""
        return [row for row in self.rows if row.aired and row.action in (UPDATE, HELD)]

    @property
    def warned(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.warnings and row.action != REJECT]


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
            index = plan.mapping[f.name]
            column = (plan.export.columns[index] if index is not None else None) or f.headers[0]
            reasons.append(_("%(column)s is too long: %(length)s characters, at most %(limit)s.",
                             column=column, length=len(value), limit=limit))
    departments, department_reasons = directory.resolve(values["departments"])
    outcome = RowOutcome(line=row.line, values=values, departments=departments, reasons=reasons + department_reasons)
    _read_source(outcome)
    _read_received_at(outcome)
    return outcome


def _read_source(row: RowOutcome) -> None:
    if "source" not in row.values:
        return
    row.source = source_of(row.values["source"])
    if row.source is None:
        row.source = CaseSource.OTHER
        row.warnings.append(_("Unknown source %(value)s: imported as “%(label)s”.",
                              value=row.values["source"], label=source_label(CaseSource.OTHER)))


def _read_received_at(row: RowOutcome) -> None:
    # A time that cannot be read does not cost the work order: the row goes in without it.
    text = row.values.get("received_at", "")
    if not text:
        return
    try:
        moment = received_at_of(text)
    except ValueError:
        row.warnings.append(_("Received at “%(value)s” is not a date and time: left out.", value=text))
        return
    if not EARLIEST_RECEIVED <= moment <= utcnow():
        row.warnings.append(_("Received at %(value)s cannot be right: left out.", value=text))
        return
    row.received_at = moment


def _steps(items: list, progress: Progress | None) -> Iterable:
    """The items, with a turn for other requests now and then, and every YIELD_EVERY a progress report."""
    total = len(items)
    for done, item in enumerate(items):
        if done and done % YIELD_EVERY == 0 and progress:
            progress(done, total)
        give_way()  # /api/v1/health and the displays are served meanwhile
        yield item
    if progress:
        progress(total, total)


def plan_import(export: Export, mapping: dict[str, int | None] | None = None,
                options: ImportOptions | None = None, progress: Progress | None = None) -> ImportPlan:
    """The dry run: what each row would do. Changes nothing.

    `ImportFileError` when a required field has no column.
    """
    mapping = dict(export.auto_mapping if mapping is None else mapping)
    missing = missing_columns(mapping)
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s. The header row must name them.",
                                columns="、".join(f.headers[0] for f in missing)))
    plan = ImportPlan(export=export, mapping=mapping, options=options or ImportOptions())
    directory, seen = DepartmentDirectory(), dict[str, int]()
    plan.rows = [_check_row(row, plan, directory, seen) for row in _steps(export.data_rows, progress)]
    _decide(plan)
    return plan


def _decide(plan: ImportPlan) -> dict[str, Case]:
    """Each valid row's action against the case pool as it is now; the cases it would update."""
    accepted = [row for row in plan.rows if not row.reasons]
    cases = _cases_by_work_order(row.work_order_no for row in accepted)
    aired = aired_case_ids(case.id for case in cases.values())
    for row in _steps(plan.rows, None):
        case = cases.get(row.work_order_no)
        if row.reasons:
            row.action = REJECT
        elif case is None:
            row.action, row.aired, row.case_ref, row.changes = CREATE, False, "", []
        else:
            row.case_ref, row.aired = case.ref, case.id in aired
            row.changes = changes(case, row, _rule(row, plan.options))
            if not row.changes:
                row.action = UNCHANGED
            elif row.aired and not plan.options.confirm_aired:
                row.action = HELD
            else:
                row.action = UPDATE
    return cases


def _rule(row: RowOutcome, options: ImportOptions) -> PublicTextRule:
    return PublicTextRule(aired=row.aired, replace=options.replace_public_text)


def _cases_by_work_order(numbers: Iterable[str]) -> dict[str, Case]:
    wanted = sorted(set(numbers))
    found: dict[str, Case] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start:start + QUERY_CHUNK]
        for case in db.session.scalars(select(Case).where(Case.work_order_no.in_(chunk))):
            if case.work_order_no is not None:  # it is one of `chunk`
                found[case.work_order_no] = case
    return found


def apply_import(plan: ImportPlan, user: User | None = None, progress: Progress | None = None,
                 before_commit: Callable[[ImportPlan], None] | None = None) -> ImportPlan:
    """Create and update the cases of the plan's valid rows, all in one transaction.

    The plan's actions are decided again against the case pool as it is now (a case may have
    gone on air since the preview). A clash with a concurrent writer rolls everything back
    (`ConflictError`). `before_commit` writes what goes with the import in the same transaction
    (an import job's result).
    """
    try:
        cases = _decide(plan)
        for row in _steps(plan.rows, progress):
            if row.action == CREATE:
                case = Case(work_order_no=row.work_order_no, created_by_id=user.id if user else None)
                fill(case, row, None)
                assign_ref(case)
                db.session.add(case)
            elif row.action == UPDATE:
                case = cases[row.work_order_no]
                fill(case, row, _rule(row, plan.options))
                case.updated_at = utcnow()  # also when only the departments change
        if before_commit:
            before_commit(plan)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ConflictError(_("The case pool changed while the file was being imported, so nothing was imported. "
                              "Please try again.")) from error
    except Exception:
        db.session.rollback()  # all or nothing, whatever went wrong
        raise
    return plan

