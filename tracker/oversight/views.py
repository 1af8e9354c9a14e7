"""The supervisor's desk: queues of commitments to act on, each commitment's page, and the
supervisor's actions on it (verify, send back, close, decide an extension, evidence).

Every action answers with a redirect to the commitment's page and a flash; a refusal from the
service changes nothing and is said in words, beside the form when it concerns one of its fields.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..bounds import page_number
from ..commitments import evidence, lifecycle, queries, states
from ..commitments.evidence import describe_size, max_bytes
from ..commitments.present import commitment_status_label
from ..commitments.push import publish_commitment
from ..departments.service import list_departments
from ..episodes.service import list_episodes
from ..errors import AppError, InvalidError, NotFoundError
from ..forms import place_error
from ..models import Commitment
from ..permissions import allow
from . import service
from .forms import (
    URGENCY_LABELS,
    CloseForm,
    DeskFilterForm,
    EvidenceForm,
    ExtensionDecisionForm,
    PublishForm,
    ReopenForm,
    VerifyForm,
    action_forms,
)
from .service import QUEUES, DeskFilter

bp = Blueprint("oversight", __name__, url_prefix="/oversight")

PAGE_SIZE = 25
DEFAULT_QUEUE = "verify"
QUEUE_LABELS = {
    "verify": _l("Awaiting verification"),
    "extensions": _l("Extension requests"),
    "unfulfillable": _l("Claimed unfulfillable"),
    "overdue": _l("Overdue"),
    "due_soon": _l("Due within 3 days"),
    "vague": _l("Vague promises"),
}
QUEUE_HINTS = {
    "verify": _l("The department says it is done: check on site or call the citizen back, then verify or send back."),
    "extensions": _l("The department asks for a later deadline: approve or refuse."),
    "unfulfillable": _l("The department says it cannot be done: close as unfulfilled or send back."),
    "overdue": _l("Open commitments whose deadline has passed."),
    "due_soon": _l("Open commitments due today or within the next 3 days."),
    "vague": _l("Open promises that name no deliverable: pin down with the department what will be done."),
}
QUEUE_TONES = {"verify": "stat-ok", "extensions": "stat-neutral", "unfulfillable": "stat-warn",
               "overdue": "stat-danger", "due_soon": "stat-warn", "vague": "stat-warn"}


@bp.context_processor
def desk_helpers() -> dict:
    return {"queue_labels": QUEUE_LABELS, "urgency_labels": URGENCY_LABELS}


@bp.route("")
@allow("supervisor")
def index():
    queue = request.args.get("queue", DEFAULT_QUEUE)
    queue = queue if queue in QUEUES else DEFAULT_QUEUE
    form, scope, filters = _filters()
    page = _page()
    commitments, total = service.queue_page(current_user, queue, scope, page, PAGE_SIZE)
    return render_template("oversight/index.html", section="desk", queue=queue, hint=QUEUE_HINTS[queue],
                           tones=QUEUE_TONES, counts=service.queue_counts(current_user, scope), form=form,
                           filters=filters, commitments=commitments, total=total, page=page, per_page=PAGE_SIZE,
                           departments=service.cases_by_lead_department())


@bp.route("/commitments")
@allow("supervisor")
def commitments():
    form, scope, filters = _filters(with_status=True)
    page = _page()
    rows, total = service.all_page(current_user, scope, page, PAGE_SIZE)
    return render_template("oversight/commitments.html", section="commitments", form=form, filters=filters,
                           commitments=rows, total=total, page=page, per_page=PAGE_SIZE)


@bp.route("/commitments/<int:commitment_id>")
@allow("supervisor")
def commitment(commitment_id: int):
    return _detail(commitment_id)


@bp.route("/commitments/<int:commitment_id>/verify", methods=["POST"])
@allow("supervisor")
def verify(commitment_id: int):
    form = VerifyForm(prefix="verify")
    if not form.validate_on_submit():
        return _detail(commitment_id, 422, verify=form)
    try:
        refused = service.verify(commitment_id, current_user, form.satisfaction.data, form.note.data or "",
                                 form.evidence.data, form.public_reason.data or "")
    except AppError as error:
        return _refused(commitment_id, error, "verify", form)
    publish_commitment(commitment_id)
    flash(_("Verified: the commitment is done, with the citizen's satisfaction recorded."), "success")
    if refused is not None:
        flash(_("The file was not kept: %(reason)s Add it again below.", reason=readable(refused)), "warning")
    return _to_detail(commitment_id)


@bp.route("/commitments/<int:commitment_id>/reopen", methods=["POST"])
@allow("supervisor")
def reopen(commitment_id: int):
    return _status_move(commitment_id, "reopen", "reopen", ReopenForm(prefix="reopen"),
                        _l("Sent back: the department is working on it again."))


@bp.route("/commitments/<int:commitment_id>/close", methods=["POST"])
@allow("supervisor")
def close(commitment_id: int):
    return _status_move(commitment_id, "close_unfulfilled", "close", CloseForm(prefix="close"),
                        _l("Closed as unfulfilled."))


@bp.route("/commitments/<int:commitment_id>/extension", methods=["POST"])
@allow("supervisor")
def extension(commitment_id: int):
    form = ExtensionDecisionForm(prefix="extension")
    if form.is_submitted() and not (form.approve.data or form.reject.data):
        form.form_errors.append(_("Choose whether to approve or refuse the extension."))
    if form.form_errors or not form.validate_on_submit():
        return _detail(commitment_id, 422, extension=form)
    approve = bool(form.approve.data)
    try:
        lifecycle.decide_extension(commitment_id, current_user, approve, form.note.data, form.public_reason.data)
    except AppError as error:
        return _refused(commitment_id, error, "extension", form)
    publish_commitment(commitment_id)
    flash(_("Extension approved: the deadline has moved.") if approve else _("Extension refused."), "success")
    return _to_detail(commitment_id)


@bp.route("/commitments/<int:commitment_id>/evidence", methods=["POST"])
@allow("supervisor")
def add_evidence(commitment_id: int):
    form = EvidenceForm(prefix="evidence")
    if not form.validate_on_submit():
        return _detail(commitment_id, 422, evidence=form)
    try:
        evidence.add_evidence(commitment_id, current_user, form.file.data)
    except AppError as error:
        return _refused(commitment_id, error, "evidence", form, aliases={"file": "file"})
    flash(_("Evidence added. It is not public until you publish it."), "success")
    return _to_detail(commitment_id, "evidence")


@bp.route("/attachments/<int:attachment_id>/public", methods=["POST"])
@allow("supervisor")
def publish(attachment_id: int):
    attachment = evidence.get_attachment(attachment_id)
    public = request.form.get("public") == "1"
    if PublishForm().validate_on_submit():
        try:
            evidence.set_public(attachment_id, current_user, public)
        except AppError as error:
            flash(readable(error, attachment.commitment_id), "error")
        else:
            flash(_("%(name)s is now shown publicly.", name=attachment.original_name) if public
                  else _("%(name)s is no longer shown publicly.", name=attachment.original_name), "success")
    return _to_detail(attachment.commitment_id, "evidence")


def _status_move(commitment_id: int, action: str, name: str, form: FlaskForm, done: str):
    if not form.validate_on_submit():
        return _detail(commitment_id, 422, **{name: form})
    try:
        lifecycle.perform(commitment_id, action, current_user,
                          {"note": form.note.data, "public_reason": form.public_reason.data})
    except AppError as error:
        return _refused(commitment_id, error, name, form)
    publish_commitment(commitment_id)
    flash(str(done), "success")
    return _to_detail(commitment_id)


def _detail(commitment_id: int, status: int = 200, **forms: FlaskForm):
    commitment = queries.get_visible(current_user, commitment_id)
    return render_template("oversight/commitment.html", commitment=commitment, forms=action_forms(**forms),
                           may=_allowed(commitment),
                           max_size=describe_size(max_bytes())), status


def _allowed(commitment: Commitment) -> dict[str, bool]:
    """Which action forms the state table lets this supervisor use now."""
    def allows(action: str) -> bool:
        return states.allows(action, current_user.role, commitment.status)
    return {"verify": allows("verify"), "reopen": allows("reopen"), "close": allows("close_unfulfilled"),
            "extension": commitment.pending_extension is not None and allows("approve_extension"),
            "evidence": allows("add_evidence"), "publish": allows("publish_evidence")}


def _refused(commitment_id: int, error: AppError, name: str, form: FlaskForm, aliases: dict | None = None):
    """Field problems beside the form (422); anything else as a flash on the commitment's page."""
    if isinstance(error, NotFoundError):
        raise error
    if isinstance(error, InvalidError) or error.status in (413, 415):
        said = readable(error, commitment_id)
        if place_error(form, error, aliases=aliases, messages=dict.fromkeys(error.fields, said)).placed:
            return _detail(commitment_id, 422, **{name: form})
    flash(readable(error, commitment_id), "error")
    return _to_detail(commitment_id)


def readable(error: AppError, commitment_id: int | None = None) -> str:
    """A refusal in the reader's language; the service's own words where there is no better."""
    if error.code == "transition_not_allowed" and commitment_id is not None:
        current = queries.get_visible(current_user, commitment_id).status
        return _("Not possible while the commitment is “%(status)s”. Nothing was changed.",
                 status=commitment_status_label(current))
    if error.code == "no_pending_extension":
        return _("No extension request is waiting for a decision. Nothing was changed.")
    if error.status == 413:
        return _("The file is larger than %(size)s.", size=describe_size(max_bytes()))
    if error.status == 415:
        return _("Only JPEG, PNG or WebP images and PDF documents are accepted.")
    if error.status == 403:
        return _("You may not do this. Nothing was changed.")
    if "file" in error.fields:
        return _("The file is empty.")
    if "satisfaction" in error.fields:
        return _("Choose the citizen's satisfaction.")
    if "note" in error.fields:
        return _("Say why: this note is required.")
    if "public_reason" in error.fields:
        return _("Give the public reason: the public reads it on the commitment's page.")
    return error.message


def _to_detail(commitment_id: int, anchor: str | None = None):
    return redirect(url_for(".commitment", commitment_id=commitment_id, _anchor=anchor))


def _filters(with_status: bool = False) -> tuple[DeskFilterForm, DeskFilter, dict[str, str]]:
    """The filter bar as sent, what it narrows the lists to, and its values for links."""
    form = DeskFilterForm(formdata=request.args)
    if not with_status:
        del form.status
    form.set_choices(list_departments(), list_episodes())
    values = form.valid_values()
    scope = DeskFilter(department=values.get("department"), urgency=values.get("urgency"),
                       status=values.get("status"),
                       episode=int(values["episode"]) if "episode" in values else None)
    return form, scope, values


def _page() -> int:
    return page_number(request.args)
