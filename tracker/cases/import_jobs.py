"""Hotline imports off the request path: each upload is a job that runs in the background.

The upload page stores the file and starts a job; the job reads and checks the file (the
preview), waits for the producer's mapping and confirmation, then imports. Each step runs in
a thread of its own — under gunicorn's gevent worker a greenlet, since the worker has patched
`threading` — and its long loops yield every few hundred rows, so the worker keeps answering
`/api/v1/health` and the displays while a 50,000-row file is checked. The page polls
`status()`; the preview and the result are stored with the job and only rendered on request.

Progress: while the preview runs it is written to the job row (every worker sees it); while
the import runs, the import's own transaction holds SQLite's single writer, so progress is
kept in this process (`_live`) and the row says "importing" until the result is committed
together with the cases. A job whose process is gone (a restart, a crash) is marked failed
when it is next read: an import is all or nothing, so nothing of it was imported.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, cast

from flask import Flask, current_app, g
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from ..errors import AppError, ConflictError, ForbiddenError, NotFoundError
from ..extensions import db
from ..models import ImportJob, ImportState, User, utcnow
from . import import_changes, import_uploads, importer
from .import_files import ImportFileError, RowLimit, Table

PREVIEW_ROWS = 1000    # accepted rows listed in the preview
# Rejected and held rows listed in the preview, and rows in each list of the result: a page
# of 50,000 rows would hold the worker for seconds while it renders. The command lists them all.
LISTED_ROWS = 5000
RECENT_JOBS = 10
PROGRESS_EVERY = 0.5   # seconds between progress writes to the job row

# Jobs running in this process: job id -> (rows processed, rows total).
_live: dict[int, tuple[int, int]] = {}
_threads: dict[int, threading.Thread] = {}


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ---------- starting and reading jobs ----------

def create(data: bytes, filename: str, user: User, locale: str) -> ImportJob:
    """Store the upload and start its preview."""
    stored = import_uploads.store(data, user, filename)
    job = ImportJob(user_id=user.id, filename=stored.filename, upload_token=stored.token,
                    options={"locale": locale}, state=ImportState.QUEUED, runner=runner_name())
    db.session.add(job)
    _launch(job, _preview)
    return job


def request_preview(job: ImportJob, mapping: dict[str, int | None], options: importer.ImportOptions) -> None:
    """Check the file again with this mapping and these confirmations."""
    _claim_previewed(job, ImportState.PREVIEWING, mapping, options)
    _launch(job, _preview)


def request_import(job: ImportJob, mapping: dict[str, int | None], options: importer.ImportOptions) -> None:
    """Import the file with this mapping and these confirmations."""
    _claim_previewed(job, ImportState.IMPORTING, mapping, options)
    _launch(job, _import)


def _claim_previewed(job: ImportJob, state: ImportState, mapping: dict[str, int | None],
                     options: importer.ImportOptions) -> None:
    # Compare-and-set: two clicks on "Import" (or two tabs) start one import.
    claimed = cast(CursorResult[Any], db.session.execute(  # an UPDATE answers a CursorResult
        update(ImportJob).where(ImportJob.id == job.id, ImportJob.state == ImportState.PREVIEWED)
        .values(state=state, runner=runner_name(), rows_processed=0, updated_at=utcnow(),
                options={**job.options, "mapping": mapping, "confirm_aired": options.confirm_aired,
                         "replace_public_text": options.replace_public_text})))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ConflictError(_("This import has already been started."))
    db.session.expire(job)


def _launch(job: ImportJob, step: Callable[[ImportJob], None]) -> None:
    db.session.flush()
    job_id = job.id
    _live[job_id] = (0, 0)  # before the commit: a reader of the row must find it running here
    try:
        db.session.commit()
    except Exception:
        _live.pop(job_id, None)
        raise
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_run, args=(app, job_id, step), name=f"import-job-{job_id}", daemon=True)
    _threads[job_id] = thread
    thread.start()


def get_for(job_id: int, user: User) -> ImportJob:
    """The job, if it is `user`'s (404 unknown, 403 someone else's); an orphaned job reads as failed."""
    job = db.session.get(ImportJob, job_id)
    if job is None:
        raise NotFoundError(_("There is no such import."))
    if job.user_id != user.id:
        raise ForbiddenError(_("This import belongs to someone else."))
    settle_if_orphaned(job)
    return job


def recent(user: User) -> list[ImportJob]:
    jobs = list(db.session.scalars(select(ImportJob).where(ImportJob.user_id == user.id)
                                   .order_by(ImportJob.id.desc()).limit(RECENT_JOBS)))
    for job in jobs:
        settle_if_orphaned(job)
    return jobs


def status(job: ImportJob) -> dict[str, Any]:
    processed, total = _live.get(job.id, (job.rows_processed, job.rows_total))
    return {"id": job.id, "state": job.state.value, "processed": processed, "total": total,
            "problem": job.problem or None}


def settle_if_orphaned(job: ImportJob) -> None:
    """Mark a running job failed when the process that ran it is gone."""
    if not job.running or _runner_alive(job):
        return
    db.session.execute(update(ImportJob).where(ImportJob.id == job.id, ImportJob.state == job.state)
                       .values(state=ImportState.FAILED, finished_at=utcnow(), updated_at=utcnow(),
                               problem=_("The import was interrupted (the server stopped). Nothing was imported "
                                         "from this file: upload it again.")))
    db.session.commit()
    db.session.refresh(job)


def _runner_alive(job: ImportJob) -> bool:
    host, _sep, pid_text = job.runner.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # another machine's job: we cannot tell, and must not guess
    pid = int(pid_text)
    if pid == os.getpid():
        return job.id in _live
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait(job_id: int, timeout: float = 60) -> None:
    """Until the job's current step has ended in this process (for the CLI and tests)."""
    thread = _threads.get(job_id)
    if thread:
        thread.join(timeout)


# ---------- the steps, in the background ----------

def _run(app: Flask, job_id: int, step: Callable[[ImportJob], None]) -> None:
    with app.app_context():
        try:
            job = db.session.get_one(ImportJob, job_id)
            g.import_job_id = job_id  # force_locale does nothing while `g` is empty
            with force_locale(job.options.get("locale") or app.config["BABEL_DEFAULT_LOCALE"]):
                try:
                    step(job)
                except AppError as error:
                    _fail(job_id, error.message)
                except Exception:
                    app.logger.exception("Import job %s failed", job_id)
                    _fail(job_id, _("The import failed unexpectedly. Nothing was imported from this file."))
        finally:
            _live.pop(job_id, None)
            _threads.pop(job_id, None)
            db.session.remove()


def _fail(job_id: int, problem: str) -> None:
    db.session.rollback()
    job = db.session.get_one(ImportJob, job_id)
    job.state, job.problem, job.finished_at, job.updated_at = ImportState.FAILED, problem, utcnow(), utcnow()
    job.preview = None  # nothing left to choose
    db.session.commit()
    import_uploads.discard(job.upload_token)


class _Progress:
    """Keeps `_live` current and, when `persist`, the job row too (at most every PROGRESS_EVERY s)."""

    def __init__(self, job_id: int, persist: bool) -> None:
        self.job_id, self.persist, self.written = job_id, persist, 0.0

    def __call__(self, done: int, total: int) -> None:
        _live[self.job_id] = (done, total)
        now = time.monotonic()
        if self.persist and now - self.written >= PROGRESS_EVERY:
            self.written = now
            # A session of its own: the job's session keeps what the check has loaded.
            with Session(db.engine) as session, session.begin():
                session.execute(update(ImportJob).where(ImportJob.id == self.job_id)
                                .values(rows_processed=done, rows_total=total, updated_at=utcnow()))


def _read(job: ImportJob, progress: _Progress) -> importer.Export:
    data = import_uploads.read_stored(job.upload_token)
    limit = RowLimit(current_app.config["IMPORT_MAX_ROWS"], on_rows=lambda count: progress(count, 0))
    return importer.read_export(data, limit)


def _options(job: ImportJob) -> importer.ImportOptions:
    return importer.ImportOptions(confirm_aired=bool(job.options.get("confirm_aired")),
                                  replace_public_text=bool(job.options.get("replace_public_text")))


def _mapping(job: ImportJob, export: importer.Export) -> dict[str, int | None]:
    return job.options.get("mapping") or export.auto_mapping


def _preview(job: ImportJob) -> None:
    job_id, progress = job.id, _Progress(job.id, persist=True)
    with Session(db.engine) as session, session.begin():
        session.execute(update(ImportJob).where(ImportJob.id == job_id).values(state=ImportState.PREVIEWING))
    export = _read(job, progress)
    mapping, plan, problem = _mapping(job, export), None, ""
    try:
        plan = importer.plan_import(export, mapping, _options(job), progress)
    except ImportFileError as error:
        problem = error.message
    preview = preview_data(export, mapping, plan, problem)
    db.session.rollback()  # the check only read; let go of what it loaded
    job = db.session.get_one(ImportJob, job_id)
    job.state, job.preview, job.updated_at = ImportState.PREVIEWED, preview, utcnow()
    job.rows_total = job.rows_processed = preview["row_count"]
    db.session.commit()


def _import(job: ImportJob) -> None:
    progress = _Progress(job.id, persist=False)  # the import's transaction holds SQLite's writer
    export = _read(job, progress)
    plan = importer.plan_import(export, _mapping(job, export), _options(job), progress)
    user = db.session.get(User, job.user_id) if job.user_id else None

    def record(applied: importer.ImportPlan) -> None:
        job.state, job.result, job.preview = ImportState.DONE, result_data(applied), None
        job.rows_total = job.rows_processed = len(applied.rows)
        job.finished_at = job.updated_at = utcnow()

    importer.apply_import(plan, user, progress, before_commit=record)
    import_uploads.discard(job.upload_token)


# ---------- what the pages show, stored with the job ----------

def file_format(table: Table) -> str:
    if table.kind == "xlsx":
        return _("Excel workbook, sheet “%(sheet)s”", sheet=table.sheet)
    separators = {",": _("commas"), "\t": _("tabs"), ";": _("semicolons")}
    return _("CSV in %(encoding)s, separated by %(separator)s",
             encoding="GBK" if table.encoding == "gb18030" else "UTF-8", separator=separators[table.delimiter])


def counts(plan: importer.ImportPlan) -> dict[str, int]:
    return {action: plan.count(action) for action in importer.ACTIONS}


def row_data(row: importer.RowOutcome) -> dict[str, Any]:
    departments = (row.values.get("departments", "") if row.action == importer.REJECT
                   else "、".join(department.name for department in row.departments))
    return {"line": row.line, "work_order_no": row.work_order_no, "title": row.title, "action": row.action,
            "case_ref": row.case_ref, "aired": row.aired, "reason": row.reason,
            "warning": row.warning if row.action != importer.REJECT else "", "departments": departments,
            "changed_labels": row.changed_labels, "changed_fields": row.changed_fields,
            "changes": [{"field": change.field, "before": import_changes.display_value(change.before),
                         "after": import_changes.display_value(change.after)} for change in row.changes]}


def _rows_to_show(plan: importer.ImportPlan) -> list[importer.RowOutcome]:
    shown, accepted, problems = [], 0, 0
    for row in plan.rows:
        problem = row.action in (importer.REJECT, importer.HELD)
        if (problem and problems < LISTED_ROWS) or (not problem and accepted < PREVIEW_ROWS):
            shown.append(row)
            problems += problem
            accepted += not problem
    return shown


def preview_data(export: importer.Export, mapping: dict[str, int | None], plan: importer.ImportPlan | None,
                 problem: str) -> dict[str, Any]:
    rows = _rows_to_show(plan) if plan else []
    return {"file_format": file_format(export.table), "header_line": export.header.line,
            "columns": list(export.columns), "row_count": len(export.data_rows),
            "mapping": mapping, "problem": problem, "counts": counts(plan) if plan else None,
            "aired_updates": [row_data(row) for row in plan.aired_updates] if plan else [],
            "rows": [row_data(row) for row in rows], "all_rows_listed": not plan or len(rows) == len(plan.rows)}


def result_data(plan: importer.ImportPlan) -> dict[str, Any]:
    lists = {"held": plan.rows_doing(importer.HELD), "warned": plan.warned, "rejections": plan.rejections}
    return {"counts": counts(plan), "rows_left_out": sum(max(0, len(rows) - LISTED_ROWS) for rows in lists.values()),
            **{name: [row_data(row) for row in rows[:LISTED_ROWS]] for name, rows in lists.items()}}
