"""What the public API gives: only what anyone may see. No complainant, no notes, no names of
staff, no evidence a supervisor has not released, no file names (they may carry a name)."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from marshmallow.experimental.context import Context

from ..api import PageQuery
from ..commitments.present import event_requested_late, verified_unsatisfied
from ..commitments.rules import extended_late, is_due_soon, is_overdue
from ..commitments.schemas import (
    DUE_SOON_DESCRIPTION,
    OVERDUE_DESCRIPTION,
    PUBLIC_REASON_DESCRIPTION,
    STATUS_DESCRIPTION,
    STATUSES,
)
from ..disputes.queries import disputes_of
from ..models import Commitment
from ..polls.results import verdict

PUBLIC_ACTIONS = ("committed", "progress_reported", "claimed_done", "claimed_unfulfillable", "verified", "reopened",
                  "closed_unfulfilled", "extension_approved", "dispute_raised", "dispute_reopened", "dispute_answered")
PUBLIC_VALUES = ("status", "deadline", "progress_percent", "satisfaction")


def _public_values(values: object) -> dict | None:
    if not isinstance(values, dict):
        return None
    return {name: values[name] for name in PUBLIC_VALUES if name in values}


class PublicCommitmentQuery(PageQuery):
    """Filters; every one narrows. Sorted overdue first, then by deadline, then by id."""

    department = fields.String(validate=validate.Length(min=1, max=32),
                               metadata={"description": "a department code; an unknown code is 422"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": STATUS_DESCRIPTION})
    overdue = fields.Boolean(metadata={"description": "overdue (true) or not (false)"})
    due_soon = fields.Boolean(metadata={"description": "due within 3 days (true) or not (false)"})
    episode = fields.Integer(metadata={"description": "an episode id; an unknown episode is 422"})
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "words separated by spaces; a commitment matches when it holds all of them, in any order, "
                       "in what was promised, the official, the department, or the case's reference, public title "
                       "or public summary. Every character is literal (no operators)."})


class PublicCaseOut(Schema):
    id = fields.Integer()
    ref = fields.String()
    # The public text: the hotline text with personal data masked, or an editor's version.
    title = fields.String(attribute="public_title")
    summary = fields.String(attribute="public_summary")
    location = fields.String()
    category = fields.String()


class PublicCommitmentOut(Schema):
    id = fields.Integer()
    case = fields.Nested(PublicCaseOut)
    department = fields.Function(lambda c: {"code": c.department.code, "name": c.department.name},
                                 metadata={"type": "object", "description": "code and name"})
    episode = fields.Function(lambda c: {"id": c.episode.id, "number": c.episode.number, "title": c.episode.title,
                                         "air_date": c.episode.air_date.isoformat()}, metadata={"type": "object"})
    official_name = fields.String()
    official_title = fields.String()
    content = fields.String(metadata={"description": "what was promised on air"})
    quote = fields.String(metadata={"description": "the official's words, verbatim, when recorded"})
    spoken_at = fields.AwareDateTime(allow_none=True)
    deadline = fields.Date(metadata={"description": "the deadline in force"})
    original_deadline = fields.Date(metadata={"description": "the deadline said on air; on time means verified "
                                                             "by this day, whatever extension was approved"})
    extension_requested_late = fields.Function(extended_late, metadata={
        "type": "boolean", "description": "an approved extension was asked after the deadline then in force "
                                          "(逾期后申请)"})
    status = fields.Function(lambda c: c.status.value, metadata={"type": "string", "enum": STATUSES})
    is_overdue = fields.Function(lambda c: is_overdue(c.deadline, c.status), metadata={
        "type": "boolean", "description": OVERDUE_DESCRIPTION})
    due_soon = fields.Function(lambda c: is_due_soon(c.deadline, c.status), metadata={
        "type": "boolean", "description": DUE_SOON_DESCRIPTION})
    progress_percent = fields.Integer(metadata={"description": "the department's last report; 100 once verified"})
    satisfaction = fields.Function(lambda c: c.satisfaction.value if c.satisfaction else None, metadata={
        "type": "string", "nullable": True, "description": "the citizen's answer at the call-back, once verified"})
    audience_vote = fields.Function(lambda c: _audience_vote(c), metadata={
        "type": "object", "nullable": True,
        "description": "the studio audience's verdict on the case in this broadcast (the vote's final tally): "
                       "`{poll_id, counts, percentages, total, satisfaction, closed_at}`; null without a closed vote"})
    verified_unsatisfied = fields.Function(lambda c: verified_unsatisfied(c.status, c.satisfaction), metadata={
        "type": "boolean", "description": "verified although the citizen was not satisfied at the call-back "
                                          "(shown as 已核验（群众不满意）, never as a plain 已核验)"})
    updated_at = fields.AwareDateTime()


def _audience_vote(commitment: Commitment) -> dict | None:
    # A list passes in its page's verdicts (read in one query); one commitment reads its own.
    verdicts = Context[dict].get({}).get("verdicts")
    if verdicts is None:
        found = verdict(commitment.episode_id, commitment.case_id)
    else:
        found = verdicts.get((commitment.episode_id, commitment.case_id))
    return found.as_dict() if found else None


class PublicCommitmentListOut(Schema):
    """`{"items", "total"}`, and `verdicts` (from `results.verdicts_for`) for the items' audience votes."""

    items = fields.List(fields.Nested(PublicCommitmentOut))
    total = fields.Integer()
    total_capped = fields.Boolean(attribute="total.capped", dump_default=False, metadata={
        "description": "true when search words (`q`) match more than 1,000: `total` is then 1000, a lower bound"})

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        with Context({"verdicts": obj.get("verdicts", {})}):
            return super().dump(obj, many=many)


class PublicEventOut(Schema):
    action = fields.String(metadata={"description": ", ".join(PUBLIC_ACTIONS)})
    at = fields.AwareDateTime()
    by = fields.Function(lambda e: e.actor.role.value if e.actor else None, metadata={
        "type": "string", "nullable": True, "description": "the role that acted (producer, department, "
                                                            "supervisor); never a person"})
    before = fields.Function(lambda e: _public_values(e.before), metadata={"type": "object", "nullable": True})
    after = fields.Function(lambda e: _public_values(e.after), metadata={"type": "object", "nullable": True})
    requested_late = fields.Function(event_requested_late, metadata={
        "type": "boolean", "description": "an extension event whose request was asked after the deadline then in "
                                          "force (逾期后申请); false for every other event"})
    public_reason = fields.String(metadata={"description": PUBLIC_REASON_DESCRIPTION + " Empty when none was "
                                                           "given. For `dispute_raised`, the follower's statement "
                                                           "(masked); the internal note is never here."})


class PublicDisputeOut(Schema):
    id = fields.Integer()
    statement = fields.String(attribute="public_statement", metadata={
        "description": "what the follower said, personal data masked; never who said it"})
    raised_at = fields.AwareDateTime(attribute="created_at")
    status = fields.Function(lambda d: d.status.value, metadata={
        "type": "string", "enum": ["open", "reopened", "answered"],
        "description": "`open`: waiting for a supervisor; `reopened`: the commitment went back to work; "
                       "`answered`: the supervisor answered and the verification stands"})
    answer = fields.String(metadata={"description": "the supervisor's public reason (reopened or answered), masked"})
    decided_at = fields.AwareDateTime(allow_none=True)


class PublicEvidenceOut(Schema):
    id = fields.Integer()
    content_type = fields.String()
    size = fields.Integer()
    created_at = fields.AwareDateTime()
    url = fields.Function(lambda a: f"/api/v1/public/attachments/{a.id}", metadata={"type": "string"})


class PublicCommitmentDetailOut(PublicCommitmentOut):
    timeline = fields.Function(
        lambda c: PublicEventOut(many=True).dump([e for e in c.events if e.action in PUBLIC_ACTIONS]),
        metadata={"type": "array", "items": {"type": "object"},
                  "description": "status, deadline, progress and satisfaction changes, oldest first; no notes. "
                                 "Each event: `action`, `at`, `by`, `before`, `after`, `public_reason`, and "
                                 "`requested_late` (an extension asked after the deadline then in force, 逾期后申请)"})
    disputes = fields.Function(lambda c: PublicDisputeOut(many=True).dump(disputes_of(c.id)), metadata={
        "type": "array", "items": {"type": "object"},
        "description": "followers' \"not resolved\" (群众反映未解决) on the verification, oldest first, with the "
                       "outcome"})
    evidence = fields.Function(lambda c: PublicEvidenceOut(many=True).dump([a for a in c.attachments if a.public]),
                               metadata={"type": "array", "items": {"type": "object"},
                                         "description": "only what a supervisor released"})


class StatsQuery(Schema):
    since = fields.Date(metadata={"description": "commitments made on or after this day (Asia/Shanghai)"})
    until = fields.Date(metadata={"description": "commitments made on or before this day (Asia/Shanghai)"})


class DepartmentStatsOut(Schema):
    code = fields.String()
    name = fields.String()
    total = fields.Integer()
    verified = fields.Integer()
    on_time_rate = fields.Float(allow_none=True, metadata={
        "description": "verified with the completion claimed by the deadline said on air (`original_deadline`; "
                       "an approved extension never makes a late result on time), out of those due: verified, "
                       "closed unfulfilled, or still open past the deadline said on air; null when none is due"})
    met_after_extension = fields.Integer(metadata={
        "description": "verified with the completion claimed after the deadline said on air but by the deadline "
                       "an approved extension set (延期后兑现); counted as not on time"})
    overdue = fields.Integer(metadata={"description": "open now and past the deadline in force"})
    closed_unfulfilled = fields.Integer(
        metadata={"description": "closed by a supervisor as unfulfilled (以未兑现办结)"})
    median_days_to_verification = fields.Float(allow_none=True)
    satisfaction = fields.Float(allow_none=True, metadata={
        "description": "verified with the citizen satisfied or basically satisfied, out of those with an answer"})
    audience_satisfaction = fields.Float(allow_none=True, metadata={
        "description": "the studio audience's votes satisfied or basically satisfied, out of every vote, over "
                       "the verdicts on the cases it leads closed in the period; null without one"})
