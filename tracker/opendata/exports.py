"""CSV and XLSX exports of the public commitment list, with the filters of `/commitments`.

Only what the public page shows: no complainant, no notes, no staff, no evidence. Rows come
most urgent first, as on the page, read from the database in batches of BATCH and capped at
MAX_ROWS. The CSV is streamed, UTF-8 with a byte-order mark so that Excel reads Chinese.
Text that a spreadsheet would take for a formula (= + - @ first) is kept as text.
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, true
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from ..bounds import without_control_characters
from ..commitments import queries, rules
from ..commitments.present import commitment_status_label, satisfaction_label
from ..errors import AppError
from ..extensions import db
from ..models import Commitment, CommitmentStatus, Satisfaction
from ..polls.results import verdict

MAX_ROWS = 100_000
MAX_ID = 2**31 - 1
BATCH = 500
CHUNK_ROWS = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, width in characters of the XLSX column)
COLUMNS = (
    (_l("ID"), 8), (_l("Case reference"), 16), (_l("Case title"), 30), (_l("Department"), 18),
    (_l("Episode number"), 8), (_l("Air date"), 12), (_l("Official"), 10), (_l("Official's title"), 16),
    (_l("Promised"), 40), (_l("Quote"), 40), (_l("Deadline"), 12), (_l("Original deadline"), 12),
    (_l("Status"), 12), (_l("Overdue?"), 8), (_l("Progress (%)"), 10), (_l("Citizen's satisfaction"), 12),
    (_l("Last update (Beijing time)"), 18), (_l("Public page"), 36),
    (_l("Extension requested late?"), 10),
    # The studio audience's verdict on the case in this broadcast (empty without a closed vote).
    (_l("Audience: satisfied"), 10), (_l("Audience: basically satisfied"), 10), (_l("Audience: unsatisfied"), 10),
)


def parse_filter(args: MultiDict[str, str]) -> queries.CommitmentFilter:
    """The public list's query string; AppError 400 with a readable message when it is wrong."""
    status = args.get("status", "").strip() or None
    if status and status not in {s.value for s in CommitmentStatus}:
        raise AppError(_("Unknown status: %(value)s.", value=status[:40]))
    text = args.get("q", "").strip() or None
    if text and len(text) > 100:
        raise AppError(_("The search words are too long (at most 100 characters)."))
    return queries.CommitmentFilter(
        department=args.get("department", "").strip() or None, status=status,
        overdue=_yes_no(args, "overdue"), due_soon=_yes_no(args, "due_soon"),
        episode=_number(args, "episode"), text=text, since=_day(args, "since"), until=_day(args, "until"),
        public=True)


def selection(wanted: queries.CommitmentFilter):
    """The SELECT of every row to export; unknown departments and episodes fail here, before
    anything is sent."""
    try:
        return (queries.ordered_matching(true(), wanted).options(selectinload(Commitment.extension_requests))
                .limit(MAX_ROWS))
    except AppError as error:  # an unknown department or episode: 422 in the API, 400 here
        raise AppError(error.message) from None


@dataclass(frozen=True)
class Wording:
    """Every word an export prints, in the reader's language, taken while the request is there:
    the CSV is written after the view has returned."""

    headers: list[str]
    statuses: dict[CommitmentStatus, str]
    satisfactions: dict[Satisfaction, str]
    yes: str
    no: str
    site: str         # the site's root URL, for the public page of each commitment


def wording(site: str) -> Wording:
    return Wording([str(header) for header, _width in COLUMNS],
                   {status: commitment_status_label(status) for status in CommitmentStatus},
                   {value: satisfaction_label(value) for value in Satisfaction}, _("Yes"), _("No"), site)


def rows(statement: Select[Commitment], words: Wording) -> Iterator[list]:
    """One list of typed values per commitment, fetched BATCH at a time."""
    today = rules.today()
    for commitment in db.session.scalars(statement.execution_options(yield_per=BATCH)):
        yield _row(commitment, words, today)


def csv_chunks(app: Flask, statement: Select[Commitment], words: Wording) -> Iterator[str]:
    """The CSV in pieces of CHUNK_ROWS rows, the byte-order mark and headers first. The rows are
    read in an application context (and database session) of their own, as the response is sent;
    the first piece needs none, so a client that reads no further leaves nothing open."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(words.headers)
    yield "\ufeff" + _drain(buffer)
    with app.app_context():
        for number, row in enumerate(rows(statement, words), 1):
            writer.writerow([_csv_text(value) for value in row])
            if number % CHUNK_ROWS == 0:
                yield _drain(buffer)
        yield _drain(buffer)


def xlsx_bytes(statement: Select[Commitment], words: Wording) -> bytes:
    """The workbook: header row frozen, columns sized, dates as dates. (An XLSX is a zip and
    cannot be streamed; it is built in a temporary file that spills to disk when large.)"""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Commitments"))
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(words.headers)
    for row in rows(statement, words):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as output:
        workbook.save(output)
        output.seek(0)
        return output.read()


def filename(extension: str) -> str:
    return f"commitments-{rules.today():%Y%m%d}.{extension}"


def _row(commitment: Commitment, words: Wording, today: date) -> list:
    case, episode = commitment.case, commitment.episode
    overdue = rules.is_overdue(commitment.deadline, commitment.status, today)
    return [
        commitment.id, case.ref, case.public_title, commitment.department.name, episode.number, episode.air_date,
        commitment.official_name, commitment.official_title, commitment.content, commitment.quote,
        commitment.deadline, commitment.original_deadline, words.statuses[commitment.status],
        words.yes if overdue else words.no, commitment.progress_percent,
        words.satisfactions[commitment.satisfaction] if commitment.satisfaction else "",
        commitment.updated_at.astimezone(rules.SHANGHAI).replace(tzinfo=None, microsecond=0),
        f"{words.site}commitments/{commitment.id}",
        words.yes if rules.extended_late(commitment) else words.no,
        *_audience(commitment),
    ]


def _audience(commitment: Commitment) -> list:
    found = verdict(commitment.episode_id, commitment.case_id)
    if found is None:
        return ["", "", ""]
    return [found.counts["satisfied"], found.counts["basically_satisfied"], found.counts["unsatisfied"]]


def _csv_text(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_cell(sheet, value: object) -> WriteOnlyCell:  # noqa: ANN001
    if isinstance(value, str):
        value = without_control_characters(value)  # openpyxl refuses them: the whole file would fail
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _yes_no(args: MultiDict[str, str], name: str) -> bool | None:
    value = args.get(name, "").strip().lower()
    if not value:
        return None
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    raise AppError(_("%(name)s must be 1 or 0.", name=name))


def _number(args: MultiDict[str, str], name: str) -> int | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise AppError(_("%(name)s must be a number.", name=name))
    return min(int(value), MAX_ID)  # past any id: "no such episode", not a database overflow


def _day(args: MultiDict[str, str], name: str) -> date | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise AppError(_("%(name)s must be a date such as 2026-12-31.", name=name)) from None
