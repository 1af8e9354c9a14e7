"""The dispute pages: the follower's link request and statement (anyone holding the mailed
link), and the supervisors' queue 群众反映未解决 under /oversight."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..bounds import page_number
from ..commitments import queries
from ..commitments.push import publish_commitment
from ..errors import AppError
from ..extensions import limiter
from ..follows.addresses import MAX_LENGTH, normalise_email
from ..follows.service import LinkError
from ..forms import place_error
from ..models import DisputeStatus
from ..permissions import ANYONE, allow
from . import queries as dispute_queries
from . import service
from .forms import DecisionForm, StatementForm

bp = Blueprint("disputes", __name__)

QUEUE_SIZE = 25
STATUS_LABELS = {DisputeStatus.OPEN: _l("Not resolved, waiting for an answer"),
                 DisputeStatus.REOPENED: _l("Not resolved: reopened"),
                 DisputeStatus.ANSWERED: _l("Not resolved: answered")}


def _asked_address() -> str:
    """The inbox a link request would mail, however it was spelt (as for follow requests)."""
    typed = (request.form.get("email") or "").strip()[:MAX_LENGTH]
    address = normalise_email(typed)
    if address is None:
        return "dispute:" + typed.lower()
    local, domain = address.split("@")
    return f"dispute:{local.split('+')[0]}@{domain}"


# Its own limits (a decorator shared with the follow route would share, and break, its count).
per_address = limiter.limit(lambda: current_app.config.get("DISPUTE_ADDRESS_LIMIT", "10 per hour"),
                            key_func=_asked_address, scope="dispute-address", methods=["POST"])
per_client = limiter.limit(lambda: current_app.config.get("DISPUTE_CLIENT_LIMIT", "20 per hour"),
                           key_func=get_remote_address, scope="dispute-client", methods=["POST"])


@bp.app_template_global()
def dispute_status_label(status: DisputeStatus | str) -> str:
    return str(STATUS_LABELS[DisputeStatus(status)])


@bp.app_template_global()
def open_disputes_of(commitment_id: int) -> int:
    """How many followers' disputes of this commitment wait for a supervisor."""
    return sum(d.status is DisputeStatus.OPEN for d in dispute_queries.disputes_of(commitment_id))


@bp.route("/commitments/<int:commitment_id>/dispute", methods=["POST"])
@per_address
@per_client
@allow(ANYONE)
def request_link(commitment_id: int):
    email = request.form.get("email", "")
    try:
        commitment = service.request_link(commitment_id, email)
    except AppError as error:
        if "email" not in error.fields:
            raise
        commitment = queries.get_public(commitment_id)
        return render_template("disputes/ask.html", commitment=commitment, dispute_email=email,
                               dispute_errors=error.fields["email"]), error.status
    return render_template("disputes/link_sent.html", commitment=commitment)


@bp.route("/dispute/<token>", methods=["GET", "POST"])
@per_client
@allow(ANYONE)
def statement(token: str):
    try:
        follow = service.follow_for(token)
    except LinkError as error:
        return render_template("follows/bad_link.html", message=error.message), 404
    form = StatementForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.raise_dispute(token, form.statement.data)
        except AppError as error:
            # Whatever does not concern the statement is still said beside it, the form's one field.
            form.statement.errors = [*form.statement.errors, *place_error(form, error).rest]
            status = error.status
        else:
            return render_template("disputes/raised.html", commitment=follow.commitment)
    elif form.is_submitted():
        status = 422
    return render_template("disputes/statement.html", commitment=follow.commitment, form=form,
                           pending=service.open_dispute_of(follow)), status


@bp.route("/oversight/disputes")
@allow("supervisor")
def queue():
    wanted = request.args.get("status", DisputeStatus.OPEN.value)
    status = DisputeStatus(wanted) if wanted in {s.value for s in DisputeStatus} else None
    page = page_number(request.args)
    disputes, total = dispute_queries.queue(status, page, QUEUE_SIZE)
    return _queue_page(disputes, total, page, status)


def _queue_page(disputes, total, page, status, forms=None, code=200):  # noqa: ANN001
    forms = forms or {}
    return render_template("disputes/queue.html", section="disputes", disputes=disputes, total=total, page=page,
                           per_page=QUEUE_SIZE, status=status.value if status else "all",
                           forms={d.id: forms.get(d.id) or DecisionForm(prefix=f"d{d.id}", formdata=None)
                                  for d in disputes}), code


@bp.route("/oversight/disputes/<int:dispute_id>", methods=["POST"])
@allow("supervisor")
def decide(dispute_id: int):
    dispute = dispute_queries.get(dispute_id)
    form = DecisionForm(prefix=f"d{dispute.id}")
    reopening = bool(form.reopen.data)
    if form.validate_on_submit():
        act = service.reopen if reopening else service.answer
        try:
            act(dispute.id, current_user, form.public_reason.data, form.note.data)
        except AppError as error:
            if not place_error(form, error).placed:
                flash(error.message, "error")
                return redirect(url_for(".queue"))
        else:
            publish_commitment(dispute.commitment_id)
            flash(_("Reopened: the commitment is in progress again, publicly.") if reopening
                  else _("Answered: the answer is on the commitment's public page."), "success")
            return redirect(url_for(".queue"))
    return _queue_page([dispute], 1, 1, DisputeStatus.OPEN, {dispute.id: form}, 422)
