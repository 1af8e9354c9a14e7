"""The import page: upload a 12345 export, check the mapping and the dry run, then import.

Thin: the file is read, planned and applied by `importer`, the same code as
`tracker import-cases`.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from ..errors import AppError
from ..permissions import allow
from . import import_changes, import_uploads, importer
from .import_files import ImportFileError, Table
from .import_forms import MappingFormBase, UploadForm, column_label, mapping_form
from .import_mapping import FIELDS

bp = Blueprint("cases_import", __name__, url_prefix="/cases")

PREVIEW_ROWS = 1000  # accepted rows listed in the preview; rejected and held rows are always listed


class TooLargeError(AppError):
    status = 413


def _read_limited(file: FileStorage) -> bytes:
    limit = current_app.config["IMPORT_MAX_BYTES"]
    data = file.read(limit + 1)
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
        export = importer.read_export(data)
    except AppError as error:
        return _upload_page(form, problem=error.message, status=error.status)
    stored = import_uploads.store(data, current_user, form.file.data.filename or "")
    mapping = mapping_form(export.columns, token=stored.token, mapping=export.auto_mapping)
    return _preview_page(stored, export, mapping)


@bp.route("/import/preview", methods=["POST"])
@allow("producer")
def preview():
    """Preview again with the posted mapping, or (action=apply) import with it."""
    upload = import_uploads.load(request.form.get("token", ""), current_user)
    export = importer.read_export(upload.data)
    form = mapping_form(export.columns)
    if not form.validate():
        return _preview_page(upload, export, form, status=422)
    if request.form.get("action") != "apply":
        return _preview_page(upload, export, form)
    try:
        plan = importer.plan_import(export, form.mapping(), form.options())
    except ImportFileError:
        return _preview_page(upload, export, form, status=422)
    importer.apply_import(plan, current_user)
    import_uploads.discard(upload.token)
    return render_template("cases/import_done.html", plan=plan, filename=upload.filename,
                           counts=_counts(plan), change_label=import_changes.label,
                           display_value=import_changes.display_value)


def _upload_page(form: UploadForm, *, problem: str | None = None, status: int = 200):
    return render_template("cases/import.html", form=form, problem=problem, fields=FIELDS,
                           max_mb=round(current_app.config["IMPORT_MAX_BYTES"] / 1024 / 1024, 1)), status


def _preview_page(upload: import_uploads.Upload, export: importer.Export, form: MappingFormBase, *,
                  status: int = 200):
    plan, problem = None, None
    if not form.errors:
        try:
            plan = importer.plan_import(export, form.mapping(), form.options())
        except ImportFileError as error:
            problem, status = error.message, 422
    return render_template("cases/import_preview.html", upload=upload, export=export, form=form, plan=plan,
                           problem=problem, file_format=_file_format(export.table), column_label=column_label,
                           counts=_counts(plan) if plan else None, rows=_rows_to_show(plan) if plan else [],
                           preview_rows=PREVIEW_ROWS, change_label=import_changes.label,
                           display_value=import_changes.display_value), status


def _file_format(table: Table) -> str:
    if table.kind == "xlsx":
        return _("Excel workbook, sheet “%(sheet)s”", sheet=table.sheet)
    separators = {",": _("commas"), "\t": _("tabs"), ";": _("semicolons")}
    return _("CSV in %(encoding)s, separated by %(separator)s",
             encoding="GBK" if table.encoding == "gb18030" else "UTF-8", separator=separators[table.delimiter])


def _counts(plan: importer.ImportPlan) -> dict[str, int]:
    return {action: plan.count(action) for action in importer.ACTIONS}


def _rows_to_show(plan: importer.ImportPlan) -> list[importer.RowOutcome]:
    shown, accepted = [], 0
    for row in plan.rows:
        always = row.action in (importer.REJECT, importer.HELD)
        if always or accepted < PREVIEW_ROWS:
            shown.append(row)
            accepted += not always
    return shown
