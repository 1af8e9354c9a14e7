"""The department workspace: its own commitments, most urgent first, and what it does to them.

Another department's commitment answers 404, exactly as a missing one: a page never shows
that it exists. Each form posts to its own address and, done, redirects back to the
commitment (post/redirect/get); a refusal changes nothing and is shown on the form.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..bounds import page_number
from ..commitments import evidence, lifecycle, queries, states
from ..commitments.push import publish_commitment
from ..errors import AppError, ConflictError, InvalidError, NotFoundError
from ..letters import service as letter_service
from ..models import Commitment
from ..permissions import allow
from . import service
from .forms import (
    ActionForm,
    ClaimDoneForm,
    EvidenceForm,
    ExtensionForm,
    FilterForm,
    ProgressForm,
    UnfulfillableForm,
    chosen,
    evidence_message,
)

bp = Blueprint("workspace", __name__, url_prefix="/dept")

PAGE_SIZE = 25
CO_RESPONSIBLE_SHOWN = 50   # the most urgent of the commitments the department is co-responsible for
# Refusals that concern what was typed or sent: invalid fields, a file too large or of the wrong kind.
SHOWN_ON_FORM = (413, 415, 422)
CONFLICTS = {
    "extension_pending": _l("An extension request is already waiting for a decision."),
    "transition_not_allowed": _l("This commitment has moved on and no longer allows that; "
                                 "here is where it stands now."),
}


@bp.route("")
@allow("department")
def index():
    department = current_user.department
    if department is None:  # an account whose department was taken away by an admin
        return render_template("workspace/index.html", department=None)
    form = FilterForm(formdata=request.args)
    form.set_choices(service.commitment_episodes(department.id))
    filters = form.valid_values()
    page = page_number(request.args)
    wanted = queries.CommitmentFilter(
        status=filters.get("status"), episode=int(filters["episode"]) if "episode" in filters else None,
        overdue=True if "overdue" in filters else None, due_soon=True if "due_soon" in filters else None,
        extension_pending=True if "extension_pending" in filters else None, responsibility=queries.LEAD,
        text=filters.get("q"))
    commitments, total = queries.list_commitments(current_user, wanted, page, PAGE_SIZE)
    supported, supported_total = queries.list_commitments(
        current_user, replace(wanted, responsibility=queries.CO_RESPONSIBLE), 1, CO_RESPONSIBLE_SHOWN)
    return render_template(
        "workspace/index.html", department=department, form=form, filters=filters, commitments=commitments,
        total=total, page=page, per_page=PAGE_SIZE, counts=service.commitment_counts(department.id),
        supported=supported, supported_total=supported_total,
        cases=service.recent_cases(department.id), case_total=service.case_count(department.id),
        notifications=service.latest_reminders(department.id))


@bp.route("/letters")
@allow("department")
def letters():
    """The assignment letters (交办函) the department received, to read and print again."""
    department = current_user.department
    received = letter_service.letters_of_department(department.id) if department else []
    return render_template("workspace/letters.html", department=department, letters=received)


@bp.route("/letters/<int:letter_id>")
@allow("department")
def letter(letter_id: int):
    letter = letter_service.get_letter(letter_id)
    if not letter_service.received(letter, current_user.department_id):
        raise NotFoundError("No such letter.")   # another department's: as if it did not exist
    return render_template("letters/print.html", sheets=[letter_service.sheet(letter)], episode=letter.episode,
                           back_url=url_for(".letters"))


@bp.route("/commitments/<int:commitment_id>")
@allow("department")
def detail(commitment_id: int):
    return _detail(service.readable_commitment(current_user, commitment_id))


@bp.route("/commitments/<int:commitment_id>/progress", methods=["POST"])
@allow("department")
def progress(commitment_id: int):
    def act(commitment: Commitment, form: ProgressForm) -> str:
        lifecycle.perform(commitment.id, "progress", current_user,
                          {"note": form.note.data, "percent": form.percent.data})
        upload = chosen(form.file)
        if upload is None:
            return _("Your progress report was added to the timeline.")
        try:
            evidence.add_evidence(commitment.id, current_user, upload)
        except AppError as error:  # checked beforehand, so only a race or a full disk gets here
            flash(_("The file was not kept: %(reason)s", reason=_file_reason(error)), "error")
            return _("Your progress report was added to the timeline.")
        return _("Your progress report and its evidence were added to the timeline.")

    return _act(commitment_id, "progress", "progress", ProgressForm, act)


@bp.route("/commitments/<int:commitment_id>/evidence", methods=["POST"])
@allow("department")
def add_evidence(commitment_id: int):
    def act(commitment: Commitment, form: EvidenceForm) -> str:
        upload = chosen(form.file)
        if upload is None:  # EvidenceForm.validate_file refuses this before we get here
            raise InvalidError("Choose a file to upload.", fields={"file": [_("Choose a file to upload.")]})
        try:
            attachment = evidence.add_evidence(commitment.id, current_user, upload)
        except AppError as error:
            if error.status in SHOWN_ON_FORM:
                error.fields = {"file": [evidence_message(error)]}
            raise
        return _("“%(name)s” was added as evidence.", name=attachment.original_name)

    return _act(commitment_id, "add_evidence", "evidence", EvidenceForm, act)


@bp.route("/commitments/<int:commitment_id>/claim-done", methods=["POST"])
@allow("department")
def claim_done(commitment_id: int):
    def act(commitment: Commitment, form: ClaimDoneForm) -> str:
        lifecycle.perform(commitment.id, "claim_done", current_user, {"note": form.note.data})
        return _("You reported the commitment as done; a supervisor will verify it.")

    return _act(commitment_id, "claim_done", "done", ClaimDoneForm, act)


@bp.route("/commitments/<int:commitment_id>/claim-unfulfillable", methods=["POST"])
@allow("department")
def claim_unfulfillable(commitment_id: int):
    def act(commitment: Commitment, form: UnfulfillableForm) -> str:
        lifecycle.perform(commitment.id, "claim_unfulfillable", current_user, {"note": form.note.data})
        return _("You declared that the commitment cannot be fulfilled; a supervisor will decide.")

    return _act(commitment_id, "claim_unfulfillable", "unfulfillable", UnfulfillableForm, act)


@bp.route("/commitments/<int:commitment_id>/extension", methods=["POST"])
@allow("department")
def request_extension(commitment_id: int):
    def act(commitment: Commitment, form: ExtensionForm) -> str:
        lifecycle.request_extension(commitment.id, current_user, form.deadline.data, form.reason.data,
                                    form.public_reason.data)
        return _("Your extension request was sent; a supervisor will decide it.")

    return _act(commitment_id, "request_extension", "extension", ExtensionForm, act)


# --- the shared shape of every form's handler ----------------------------------------------

# The forms of the detail page: (its name and field prefix, the table's action, its class).
FORMS = [
    ("progress", "progress", ProgressForm),
    ("evidence", "add_evidence", EvidenceForm),
    ("done", "claim_done", ClaimDoneForm),
    ("unfulfillable", "claim_unfulfillable", UnfulfillableForm),
    ("extension", "request_extension", ExtensionForm),
]


def _form(name: str, form_class: type[ActionForm], commitment: Commitment, posted: bool = False) -> ActionForm:
    """The form, filled from the request when it is the one `posted`, blank otherwise."""
    kwargs: dict[str, Any] = {"prefix": name} if posted else {"prefix": name, "formdata": None}
    if form_class is ExtensionForm:
        kwargs["current_deadline"] = commitment.deadline
    return form_class(**kwargs)


def _act(commitment_id: int, action: str, name: str, form_class: type[ActionForm],
         act: Callable[[Commitment, ActionForm], str]):
    """Validate the posted form and run `act`; redirect back with its message, or show the page
    again with what went wrong (and nothing changed)."""
    commitment = service.acting_commitment(current_user, commitment_id)
    back = redirect(url_for(".detail", commitment_id=commitment.id))
    form = _form(name, form_class, commitment, posted=True)
    if not states.allows(action, current_user.role, commitment.status):
        flash(str(CONFLICTS["transition_not_allowed"]), "error")
        return back
    if form.validate_on_submit():
        try:
            message = act(commitment, form)
        except ConflictError as error:
            flash(str(CONFLICTS.get(error.code, error.message)), "error")
            return back
        except AppError as error:
            if error.status not in SHOWN_ON_FORM:
                raise
            form.show_error(error)
        else:
            publish_commitment(commitment.id)
            flash(message, "success")
            return back
    return _detail(service.own_commitment(current_user, commitment_id), {name: form}, status=422)


def _detail(commitment: Commitment, submitted: dict[str, ActionForm] | None = None, status: int = 200):
    """The commitment's page, with a form for each thing its state lets the department do; none
    for a commitment the department is only co-responsible for (配合): it reads it."""
    submitted = submitted or {}
    role = current_user.role
    co_responsible = queries.responsibility(current_user, commitment) == queries.CO_RESPONSIBLE
    forms = {name: submitted.get(name) or _form(name, form_class, commitment)
             for name, action, form_class in FORMS
             if not co_responsible and states.allows(action, role, commitment.status)}
    if commitment.pending_extension is not None:
        forms.pop("extension", None)
    return render_template("workspace/detail.html", commitment=commitment, case=commitment.case,
                           episode=commitment.episode, forms=forms, co_responsible=co_responsible,
                           extension=commitment.pending_extension,
                           file_limit=evidence.describe_size(evidence.max_bytes())), status


def _file_reason(error: AppError) -> str:
    return evidence_message(error) if error.status in SHOWN_ON_FORM else error.message
