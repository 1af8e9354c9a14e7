"""The import page: upload a 12345 export; a job checks it in the background; preview; import.

Thin: the file is stored and the job started by `import_jobs`, which reads, plans and applies
it with `importer`, the code of `tracker import-cases`. Nothing here reads the file's rows:
the pages render what the job stored, so no request waits for a large file.
"""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from ..errors import AppError
from ..models import ImportJob, ImportState
from ..permissions import allow
from . import import_changes, import_jobs
from .import_files import check_kind
from .import_forms import MappingFormBase, UploadForm, column_label, mapping_form
from .import_mapping import FIELDS

bp = Blueprint("cases_import", __name__, url_prefix="/cases")

STATE_LABELS = {ImportState.QUEUED: _l("Waiting"), ImportState.PREVIEWING: _l("Checking the file"),
                ImportState.PREVIEWED: _l("Waiting for your check"), ImportState.IMPORTING: _l("Importing"),
                ImportState.DONE: _l("Imported"), ImportState.FAILED: _l("Failed")}


class TooLargeError(AppError):
    status = 413


def _read_limited(file: FileStorage) -> bytes:
    limit = current_app.config["IMPORT_MAX_BYTES"]
    try:
        data = file.read(limit + 1)
    finally:
        file.close()  # a large upload is spooled to a temporary file: let it go now
    if len(data) > limit:
        raise TooLargeError(_("The file is larger than %(mb)s MB. Split it and import the parts one after another.",
                              mb=round(limit / 1024 / 1024, 1)))
    return data


@bp.route("/import", methods=["GET", "POST"])
@allow("producer")
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, status=422 if form.errors else 200)
    try:
        data = _read_limited(form.file.data)
        check_kind(data)
    except AppError as error:
        return _upload_page(form, problem=error.message, status=error.status)
    job = import_jobs.create(data, form.file.data.filename or "", current_user, str(get_locale()))
    return redirect(url_for(".job", job_id=job.id), code=303)


@bp.route("/import/jobs/<int:job_id>", methods=["GET", "POST"])
@allow("producer")
def job(job_id: int):
    """The job as far as it has come: progress, the preview (POST: preview again or import), the result."""
    found = import_jobs.get_for(job_id, current_user)
    if request.method == "POST":
        return _choose(found)
    if found.state is ImportState.PREVIEWED:
        return _preview_page(found, _stored_mapping_form(found))
    if found.state is ImportState.DONE:
        return render_template("cases/import_done.html", job=found, result=found.result,
                               counts=found.result["counts"], change_label=import_changes.label)
    if found.state is ImportState.FAILED:
        return _upload_page(UploadForm(), problem=found.problem, failed=found)
    return render_template("cases/import_job.html", job=found, status=import_jobs.status(found))


@bp.route("/import/jobs/<int:job_id>/status")
@allow("producer")
def job_status(job_id: int):
    """How far the job is, for the progress bar: {id, state, processed, total, problem}."""
    return import_jobs.status(import_jobs.get_for(job_id, current_user))


def _choose(found: ImportJob):
    if found.state is not ImportState.PREVIEWED:
        return redirect(url_for(".job", job_id=found.id), code=303)  # a second click: the job is under way
    form = mapping_form(found.preview["columns"])
    if not form.validate():
        return _preview_page(found, form, status=422)
    if request.form.get("action") == "apply":
        import_jobs.request_import(found, form.mapping(), form.options())
    else:
        import_jobs.request_preview(found, form.mapping(), form.options())
    return redirect(url_for(".job", job_id=found.id), code=303)


def _stored_mapping_form(found: ImportJob) -> MappingFormBase:
    options = found.options
    form = mapping_form(found.preview["columns"], mapping=found.preview["mapping"])
    form.confirm_aired.data = bool(options.get("confirm_aired"))
    form.replace_public_text.data = bool(options.get("replace_public_text"))
    return form


def _upload_page(form: UploadForm, *, problem: str | None = None, status: int = 200, failed: ImportJob | None = None):
    return render_template("cases/import.html", form=form, problem=problem, fields=FIELDS, failed=failed,
                           jobs=import_jobs.recent(current_user), job_state_label=STATE_LABELS.get,
                           max_rows=current_app.config["IMPORT_MAX_ROWS"],
                           max_mb=round(current_app.config["IMPORT_MAX_BYTES"] / 1024 / 1024, 1)), status


def _preview_page(found: ImportJob, form: MappingFormBase, *, status: int = 200):
    preview = found.preview
    return render_template("cases/import_preview.html", job=found, preview=preview, form=form,
                           problem=preview["problem"], column_label=column_label, counts=preview["counts"],
                           rows=preview["rows"], preview_rows=import_jobs.PREVIEW_ROWS,
                           listed_rows=import_jobs.LISTED_ROWS,
                           change_label=import_changes.label), status
