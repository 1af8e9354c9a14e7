"""Commitments API: recorded on air by producers, then followed by departments and supervisors.

Who may act, and from which state, is the table in `states.py`: each view's `@allow` takes its
roles from there, and the service checks the table again on the commitment itself.
"""
from __future__ import annotations

from flask_login import current_user

from ..api import api_blueprint, page_of
from ..departments.service import get_by_code
from ..models import Commitment
from ..permissions import allow
from ..realtime import publish
from . import corrections, lifecycle, queries, service
from .push import publish_commitment
from .queries import READERS
from .schemas import (
    CloseUnfulfilledIn,
    CommitmentDetailOut,
    CommitmentIn,
    CommitmentListOut,
    CommitmentOut,
    CommitmentPatch,
    CommitmentQuery,
    DecisionIn,
    ExtensionIn,
    NoteIn,
    OfficialOut,
    OfficialsQuery,
    ProgressIn,
    ReopenIn,
    VerifyIn,
    WithdrawIn,
)
from .states import roles_for

blp = api_blueprint("commitments_api", __name__, "/commitments", description="Commitments made on air")

REFUSED = "409 `transition_not_allowed`: the commitment's state does not allow it; nothing changes"


@blp.route("", methods=["POST"])
@allow("producer")
@blp.arguments(CommitmentIn)
@blp.response(201, CommitmentOut)
def record_commitment(data: dict):
    commitment, change = service.record(data, current_user)
    publish(change)
    return commitment


@blp.route("/officials", methods=["GET"])
@allow("producer")
@blp.arguments(OfficialsQuery, location="query")
@blp.response(200, OfficialOut(many=True), description="most recent first, as a plain JSON array")
def officials(query: dict):
    """Officials of a department already seen making commitments: suggestions for the on-air form."""
    department = get_by_code(query["department"])
    return [{"name": name, "title": title} for name, title in service.officials_seen(department.id)]


@blp.route("", methods=["GET"])
@allow(*READERS)
@blp.arguments(CommitmentQuery, location="query")
@blp.response(200, CommitmentListOut, description="overdue first, then by deadline, then by id; a department "
                                                  "user gets only its own department's and, marked "
                                                  "`responsibility: co_responsible`, those it is co-responsible for")
def list_commitments(query: dict):
    page, per_page = page_of(query)
    wanted = queries.CommitmentFilter(
        department=query.get("department"), status=query.get("status"), overdue=query.get("overdue"),
        due_soon=query.get("due_soon"), episode=query.get("episode"),
        extension_pending=query.get("extension_pending"), vague=query.get("vague"),
        responsibility=query.get("responsibility"), text=query.get("q"))
    items, total = queries.list_commitments(current_user, wanted, page, per_page)
    return {"items": items, "total": total}


@blp.route("/<int:commitment_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, CommitmentDetailOut, description="with its timeline, pending extension and evidence; a "
                                                    "co-responsible department (配合) reads it too")
@blp.alt_response(403, description="a commitment of a case that is not the department's")
def get_commitment(commitment_id: int):
    return queries.get_readable(current_user, commitment_id)


@blp.route("/<int:commitment_id>", methods=["PATCH"])
@allow("producer", "supervisor")
@blp.arguments(CommitmentPatch)
@blp.response(200, CommitmentOut)
@blp.alt_response(403, description="a supervisor before the episode ends, a producer after; departments never")
def correct_commitment(data: dict, commitment_id: int):
    """Correct a commitment as recorded on air: the producer until its episode ends, a supervisor
    after. The displays and any strap showing it update at once; the timeline keeps a
    `corrected` event with the values before and after, and what was recorded first."""
    commitment, change = corrections.correct(commitment_id, data, current_user)
    publish(change)
    return _shown(commitment)


@blp.route("/<int:commitment_id>/withdraw", methods=["POST"])
@allow("producer")
@blp.arguments(WithdrawIn)
@blp.response(204)
@blp.alt_response(409, description="`episode_not_live`, `already_withdrawn`; nothing changes")
def withdraw_commitment(data: dict, commitment_id: int):
    """Withdraw a commitment recorded by mistake while its episode is live: it leaves the state and
    the screen at once (a strap showing it goes out), is never public nor in a department's lists,
    and stays in the internal timeline and the episode's log. Undo does not cross a withdrawal."""
    publish(corrections.withdraw(commitment_id, data["reason"], current_user))


def _move(commitment_id: int, action: str, data: dict):
    return _shown(lifecycle.perform(commitment_id, action, current_user, data))


def _shown(commitment: Commitment) -> Commitment:
    """Push the new status to the displays of coming episodes that follow this commitment up."""
    publish_commitment(commitment.id)
    return commitment


@blp.route("/<int:commitment_id>/progress", methods=["POST"])
@allow(*roles_for("progress"))
@blp.arguments(ProgressIn)
@blp.response(200, CommitmentDetailOut, description="from `committed` (the first report) or `in_progress`: "
                                                    "now `in_progress`")
@blp.alt_response(409, description=REFUSED)
def report_progress(data: dict, commitment_id: int):
    return _move(commitment_id, "progress", data)


@blp.route("/<int:commitment_id>/claim-done", methods=["POST"])
@allow(*roles_for("claim_done"))
@blp.arguments(NoteIn)
@blp.response(200, CommitmentDetailOut, description="from `committed` or `in_progress`: now `claimed_done`")
@blp.alt_response(409, description=REFUSED)
def claim_done(data: dict, commitment_id: int):
    return _move(commitment_id, "claim_done", data)


@blp.route("/<int:commitment_id>/claim-unfulfillable", methods=["POST"])
@allow(*roles_for("claim_unfulfillable"))
@blp.arguments(NoteIn)
@blp.response(200, CommitmentDetailOut, description="from `committed` or `in_progress`: now "
                                                    "`claimed_unfulfillable`")
@blp.alt_response(409, description=REFUSED)
def claim_unfulfillable(data: dict, commitment_id: int):
    return _move(commitment_id, "claim_unfulfillable", data)


@blp.route("/<int:commitment_id>/verify", methods=["POST"])
@allow(*roles_for("verify"))
@blp.arguments(VerifyIn)
@blp.response(200, CommitmentDetailOut, description="from `claimed_done`: now `verified`, with the citizen's "
                                                    "satisfaction; a pending extension request lapses")
@blp.alt_response(409, description=REFUSED)
@blp.alt_response(422, description="`public_reason` missing with `satisfaction` `unsatisfied`; nothing changes")
def verify(data: dict, commitment_id: int):
    return _move(commitment_id, "verify", data)


@blp.route("/<int:commitment_id>/reopen", methods=["POST"])
@allow(*roles_for("reopen"))
@blp.arguments(ReopenIn)
@blp.response(200, CommitmentDetailOut, description="send back: from `claimed_done` or `claimed_unfulfillable` "
                                                    "to `in_progress`")
@blp.alt_response(409, description=REFUSED)
def reopen(data: dict, commitment_id: int):
    return _move(commitment_id, "reopen", data)


@blp.route("/<int:commitment_id>/close-unfulfilled", methods=["POST"])
@allow(*roles_for("close_unfulfilled"))
@blp.arguments(CloseUnfulfilledIn)
@blp.response(200, CommitmentDetailOut, description="from `claimed_unfulfillable`: now `closed_unfulfilled`; "
                                                    "a pending extension request lapses")
@blp.alt_response(409, description=REFUSED)
@blp.alt_response(422, description="`public_reason` missing or blank; nothing changes")
def close_unfulfilled(data: dict, commitment_id: int):
    return _move(commitment_id, "close_unfulfilled", data)


@blp.route("/<int:commitment_id>/extension", methods=["POST"])
@allow(*roles_for("request_extension"))
@blp.arguments(ExtensionIn)
@blp.response(201, CommitmentDetailOut, description="the commitment, its new request in `extension`")
@blp.alt_response(409, description="`extension_pending`: a request is already waiting; or "
                                   "`transition_not_allowed`: the commitment is verified or closed")
def request_extension(data: dict, commitment_id: int):
    return lifecycle.request_extension(commitment_id, current_user, data["deadline"], data["reason"],
                                       data.get("public_reason"))


@blp.route("/<int:commitment_id>/extension/approve", methods=["POST"])
@allow(*roles_for("approve_extension"))
@blp.arguments(DecisionIn)
@blp.response(200, CommitmentDetailOut, description="the deadline is now the one asked for; "
                                                    "`original_deadline` stays as said on air")
@blp.alt_response(409, description="`no_pending_extension`: no request is waiting")
def approve_extension(data: dict, commitment_id: int):
    return _shown(lifecycle.decide_extension(commitment_id, current_user, True, data.get("note"),
                                             data.get("public_reason")))


@blp.route("/<int:commitment_id>/extension/reject", methods=["POST"])
@allow(*roles_for("reject_extension"))
@blp.arguments(DecisionIn)
@blp.response(200, CommitmentDetailOut, description="the deadline stays as it was")
@blp.alt_response(409, description="`no_pending_extension`: no request is waiting")
def reject_extension(data: dict, commitment_id: int):
    return lifecycle.decide_extension(commitment_id, current_user, False, data.get("note"),
                                      data.get("public_reason"))
