"""Reading a hotline system's export: CSV or XLSX, told apart by content, not by file name.

12345 systems export CSV in UTF-8 (often with a BOM) or in GBK, and XLSX whose numbers
(phone numbers, work-order numbers) are stored as numbers. Whatever the format, the result is
the same: the non-blank rows, each with its line number as a person sees it in Excel
(the first row is line 1) and its cells as trimmed text.
"""
from __future__ import annotations

import csv
import io
import re
import time as clock  # `time` is the datetime class here
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from openpyxl import load_workbook

from ..errors import AppError

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
ENCODINGS = ("utf-8-sig", "gb18030")
DELIMITERS = ",\t;"
# Text files never hold these; binary files (images, archives, random bytes) nearly always do.
BINARY_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
SNIFF_CHARS = 64 * 1024
PDF_MAGIC = b"%PDF-"
# Text that is a document of another kind, whatever its name: a web page or XML (some hotline
# systems save an HTML table as .xls), JSON, RTF. A CSV export starts with a title or a header.
MARKUP_START = re.compile(r"\s*(?:<|\{\\rtf|[{\[]\s*[\"{\[])")
# Progress is reported every YIELD_EVERY rows of a long loop.
YIELD_EVERY = 500
# A long loop lets the worker's other clients in this often (gevent: one thread serves them all).
TURN_SECONDS = 0.02
TURN_SLEEP = 0.001
_last_turn = 0.0
HEADER_ROWS = 1


class ImportFileError(AppError):
    """The file cannot be read as an export at all; nothing is imported from it."""

    status = 422


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]

    def cell(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass(frozen=True)
class Table:
    """The non-blank rows of a file, and how the file was read."""

    rows: list[Row]
    kind: str                    # "csv" or "xlsx"
    encoding: str = ""           # CSV only
    delimiter: str = ""          # CSV only
    sheet: str = ""              # XLSX only: the first sheet's name


class RowLimit:
    """Counts the rows as they are read: refuses a file past `max_rows`, reports progress, yields.

    The limit is checked while the file streams in, so a 2M-row file is refused after reading
    `max_rows` of them, not after holding all of them in memory.
    """

    def __init__(self, max_rows: int | None = None, on_rows: Callable[[int], None] | None = None) -> None:
        self.max_rows, self.on_rows, self.count = max_rows, on_rows, 0

    def add(self) -> None:
        self.count += 1
        if self.max_rows is not None and self.count > self.max_rows + HEADER_ROWS:
            raise ImportFileError(_("The file has more than %(limit)s rows. Split it into files of at most "
                                    "%(limit)s rows and import them one after another.", limit=self.max_rows))
        if self.count % YIELD_EVERY == 0 and self.on_rows:
            self.on_rows(self.count)
        give_way()


def give_way() -> None:
    """In a long loop: every TURN_SECONDS, pause a moment so that other requests are served.

    Under gunicorn's gevent worker `time.sleep` is gevent's, and a sleep of 0 would only run the
    greenlets that are ready already: the event loop must poll the sockets, so the pause is a
    (short) timer. In the threaded dev server it releases the GIL.
    """
    global _last_turn
    now = clock.monotonic()
    if now - _last_turn >= TURN_SECONDS:
        clock.sleep(TURN_SLEEP)
        _last_turn = clock.monotonic()


def _check_start(data: bytes) -> None:
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(PDF_MAGIC):
        raise ImportFileError(_("This is a PDF document, not a CSV file or an Excel workbook (.xlsx). "
                                "Export the work orders from the hotline system as CSV or Excel."))
    if data.startswith(OLE2_MAGIC):
        raise ImportFileError(_("This is an old Excel workbook (.xls) or a password-protected one. "
                                "Save it as .xlsx without a password, or as CSV, and try again."))


def check_kind(data: bytes) -> None:
    """Quick checks of what the file is, before it is stored: `ImportFileError` if plainly no export."""
    _check_start(data)
    if data.startswith(ZIP_MAGIC):
        _check_workbook(data)
    else:
        _check_text(_decode(data)[0])


def read_table(data: bytes, limit: RowLimit | None = None) -> Table:
    """The rows of a CSV or XLSX export; `ImportFileError` if it is neither, or past the row limit."""
    limit = limit or RowLimit()
    _check_start(data)
    table = _read_xlsx(data, limit) if data.startswith(ZIP_MAGIC) else _read_csv(data, limit)
    if not table.rows:
        raise ImportFileError(_("The file has no rows."))
    return table


def _check_workbook(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        is_workbook = False
    if not is_workbook:
        raise ImportFileError(_("This file is neither a CSV file nor an Excel workbook (.xlsx)."))


def _read_xlsx(data: bytes, limit: RowLimit) -> Table:
    _check_workbook(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a damaged workbook
        raise ImportFileError(_("The Excel workbook could not be read; it may be damaged.")) from error
    try:
        sheet = workbook.worksheets[0]
        # Exporters often write a wrong sheet size; read what is really there.
        sheet.reset_dimensions()
        rows = []
        for line, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            cells = tuple(_cell_text(value) for value in values)
            if any(cells):
                rows.append(Row(line, cells))
                limit.add()
        return Table(rows=rows, kind="xlsx", sheet=sheet.title)
    except ImportFileError:
        raise
    except Exception as error:  # a damaged sheet fails only once it is read
        raise ImportFileError(_("The Excel workbook could not be read; it may be damaged.")) from error
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: 13900000001, not 13900000001.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    # PostgreSQL refuses NUL in text; a workbook can smuggle one in as _x0000_.
    return str(value).replace("\x00", "").strip()


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if BINARY_CHARACTERS.search(text):
            break
        return text, encoding
    raise ImportFileError(_("This file is neither a CSV file (UTF-8 or GBK text) nor an Excel workbook (.xlsx)."))


def _delimiter(text: str) -> str:
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n")]  # a cut line would mislead the sniffer
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # The header is the line richest in delimiters, even below a title line.
        lines = [line for line in sample.splitlines()[:10] if line.strip()]
        return max(DELIMITERS, key=lambda d: max((line.count(d) for line in lines), default=0))


def _csv_cell(text: str) -> str:
    text = text.strip()
    # ="0123": the trick exporters use so that Excel keeps a number's leading zeros.
    if text.startswith('="') and text.endswith('"') and len(text) >= 3:
        text = text[2:-1].strip()
    return text


def _check_text(text: str) -> None:
    if MARKUP_START.match(text.removeprefix("\ufeff")):
        raise ImportFileError(_("This file is a web page, XML or JSON document, not a CSV export, whatever its name "
                                "says. Open it in Excel and save it as .xlsx or CSV, or export CSV from the hotline "
                                "system."))


def _read_csv(data: bytes, limit: RowLimit) -> Table:
    text, encoding = _decode(data)
    _check_text(text)
    delimiter = _delimiter(text)
    rows = []
    try:
        # Each record is one row in Excel, even when a quoted cell spans several lines.
        for line, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
            cells = tuple(_csv_cell(cell) for cell in record)
            if any(cells):
                rows.append(Row(line, cells))
                limit.add()
    except csv.Error as error:
        raise ImportFileError(_("The CSV file could not be read: %(error)s", error=str(error))) from error
    return Table(rows=rows, kind="csv", encoding="gb18030" if encoding == "gb18030" else "utf-8",
                 delimiter=delimiter)
