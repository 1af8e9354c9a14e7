"""Disputes API for supervisors: the queue 群众反映未解决, and its two decisions.

Followers raise disputes through the public pages only (a signed link mailed to a confirmed
follower: see `service.py`); there is no account to authenticate them on the API.
"""
from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from ..api import PageQuery, api_blueprint, page_of
from ..commitments.push import publish_commitment
from ..commitments.schemas import NOTE_MAX, PUBLIC_REASON_DESCRIPTION, CommitmentDetailOut
from ..models import DisputeStatus
from ..permissions import allow
from . import queries, service

blp = api_blueprint("disputes_api", __name__, "/disputes",
                    description="Followers' \"not resolved\" (群众反映未解决) on verified commitments")

STATUSES = [s.value for s in DisputeStatus]


class DisputeQuery(PageQuery):
    status = fields.String(validate=validate.OneOf([*STATUSES, "all"]), load_default="open", metadata={
        "description": "`open` (default: waiting for a supervisor), `reopened`, `answered` or `all`"})


class DisputeOut(Schema):
    id = fields.Integer()
    commitment_id = fields.Integer()
    statement = fields.String(metadata={"description": "as the follower wrote it (may hold personal data)"})
    public_statement = fields.String(metadata={"description": "as the public reads it, personal data masked"})
    status = fields.Function(lambda d: d.status.value, metadata={"type": "string", "enum": STATUSES})
    raised_at = fields.AwareDateTime(attribute="created_at")
    answer = fields.String(metadata={"description": "the public reason of the decision, once decided"})
    decided_at = fields.AwareDateTime(allow_none=True)


class DisputeListOut(Schema):
    items = fields.List(fields.Nested(DisputeOut))
    total = fields.Integer()


class DisputeDecisionIn(Schema):
    public_reason = fields.String(required=True, validate=validate.Length(max=NOTE_MAX), metadata={
        "description": "required, may not be blank (422 without, and nothing changes); " + PUBLIC_REASON_DESCRIPTION})
    note = fields.String(validate=validate.Length(max=NOTE_MAX), metadata={"description": "internal"})


@blp.route("", methods=["GET"])
@allow("supervisor")
@blp.arguments(DisputeQuery, location="query")
@blp.response(200, DisputeListOut, description="oldest first; the follower's address is never given")
def list_disputes(query: dict):
    page, per_page = page_of(query)
    status = None if query["status"] == "all" else DisputeStatus(query["status"])
    items, total = queries.queue(status, page, per_page)
    return {"items": items, "total": total}


@blp.route("/<int:dispute_id>/reopen", methods=["POST"])
@allow("supervisor")
@blp.arguments(DisputeDecisionIn)
@blp.response(200, CommitmentDetailOut, description="the commitment, now `in_progress` (from `verified`; "
                                                    "satisfaction cleared), with a `dispute_reopened` event; "
                                                    "every open dispute of it is now `reopened`; followers are "
                                                    "mailed")
@blp.alt_response(409, description="`dispute_decided`: already decided; `transition_not_allowed`: the "
                                   "commitment is no longer verified; nothing changes")
def reopen(data: dict, dispute_id: int):
    commitment = service.reopen(dispute_id, current_user, data["public_reason"], data.get("note"))
    publish_commitment(commitment.id)
    return commitment


@blp.route("/<int:dispute_id>/answer", methods=["POST"])
@allow("supervisor")
@blp.arguments(DisputeDecisionIn)
@blp.response(200, CommitmentDetailOut, description="the commitment, still `verified`, with a `dispute_answered` "
                                                    "event; the dispute is `answered`; followers are mailed")
@blp.alt_response(409, description="`dispute_decided`: already decided; nothing changes")
def answer(data: dict, dispute_id: int):
    return service.answer(dispute_id, current_user, data["public_reason"], data.get("note"))
