"""What the commitments API takes and gives; the same schemas validate requests and write the OpenAPI document."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from ..api import PageQuery
from ..models import Satisfaction
from .queries import RESPONSIBILITIES, responsibility
from .rules import DUE_SOON_DAYS, is_due_soon, is_overdue

STATUS_DESCRIPTION = (
    "`committed` (said on air) → `in_progress` (the department's first progress report) → "
    "`claimed_done` (the department says it is done) → `verified` (a supervisor checked it); "
    "a supervisor may send `claimed_done` back to `in_progress`. `claimed_unfulfillable` (the "
    "department says it cannot be done) → `closed_unfulfilled` (a supervisor agreed), or back to `in_progress`."
)
OVERDUE_DESCRIPTION = (
    "the deadline's day (Asia/Shanghai calendar) has passed and it is neither `verified` nor "
    "`closed_unfulfilled`; a deadline of today is not yet overdue"
)
DUE_SOON_DESCRIPTION = (
    f"not closed and the deadline is today or within the next {DUE_SOON_DAYS} days (Asia/Shanghai "
    "calendar); never true together with `is_overdue`"
)
NOTE_MAX = 2000
PUBLIC_REASON_DESCRIPTION = (
    "what the public reads about this decision in the commitment's public story (public page, public API, "
    "Open311 `status_notes`, feeds, followers' mail), beside the internal `note`; personal data typed into it "
    "(phone and ID numbers, e-mail addresses, plates, names after 来电人/市民) is masked when it is saved. "
    f"At most {NOTE_MAX} characters."
)
UPLOAD_DESCRIPTION = (
    "a JPEG, PNG or WebP image or a PDF document, judged by its content (its first bytes), never by "
    "its name or declared type. Empty: 422. Larger than the limit (10 MB by default, setting "
    "ATTACHMENT_MAX_BYTES): 413. Any other content, e.g. HTML or a ZIP archive named `.jpg`: 415."
)
TIMELINE_ACTIONS = (
    "`committed`, `progress_reported`, `claimed_done`, `claimed_unfulfillable`, `verified`, `reopened`, "
    "`closed_unfulfilled`, `extension_requested`, `extension_approved`, `extension_rejected`, "
    "`evidence_added`, `evidence_published`, `evidence_unpublished`, `dispute_raised` (a follower says a "
    "verified commitment is not resolved; no actor), `dispute_reopened`, `dispute_answered`"
)
RESPONSIBILITY_DESCRIPTION = (
    "what the reading department is to it: `lead` — its own department made it and acts on it "
    "(progress, claims, extensions, evidence); `co_responsible` (配合) — another of the case's "
    "responsible departments made it: this department reads it, and every write answers 403. "
    "`null` for producers and supervisors"
)
STATUSES = ["committed", "in_progress", "claimed_done", "verified", "claimed_unfulfillable", "closed_unfulfilled"]


class CommitmentIn(Schema):
    episode_id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    department_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    official_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    official_title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    deadline = fields.Date(required=True, metadata={
        "description": "a day in the past is accepted (back-filling), and is overdue at once"})
    quote = fields.String(allow_none=True, validate=validate.Length(max=2000))
    spoken_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it was said; default now"})


class CommitmentPatch(Schema):
    official_name = fields.String(validate=validate.Length(min=1, max=50))
    official_title = fields.String(validate=validate.Length(min=1, max=100))
    content = fields.String(validate=validate.Length(min=1, max=2000))
    deadline = fields.Date(metadata={"description": "the deadline said on air; the one in force moves with it "
                                                    "unless an extension has moved it"})
    quote = fields.String(allow_none=True, validate=validate.Length(max=2000))


class WithdrawIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "why it was recorded by mistake (internal)"})


class CommitmentOut(Schema):
    id = fields.Integer()
    episode_id = fields.Integer()
    case_id = fields.Integer()
    department = fields.Function(lambda c: {"code": c.department.code, "name": c.department.name})
    department_code = fields.Function(lambda c: c.department.code)
    official_name = fields.String()
    official_title = fields.String()
    content = fields.String()
    quote = fields.String()
    deadline = fields.Date(metadata={"description": "the deadline now, after any approved extension"})
    original_deadline = fields.Date(metadata={"description": "the deadline said on air; extensions never change it"})
    spoken_at = fields.AwareDateTime(allow_none=True)
    status = fields.Function(lambda c: c.status.value, metadata={
        "type": "string", "enum": STATUSES, "description": STATUS_DESCRIPTION})
    is_overdue = fields.Function(lambda c: is_overdue(c.deadline, c.status), metadata={
        "type": "boolean", "description": OVERDUE_DESCRIPTION})
    due_soon = fields.Function(lambda c: is_due_soon(c.deadline, c.status), metadata={
        "type": "boolean", "description": DUE_SOON_DESCRIPTION})
    case = fields.Function(lambda c: {"id": c.case.id, "ref": c.case.ref, "title": c.case.title}, metadata={
        "type": "object", "description": "the case it answers: id, ref, title (never the complainant)"})
    episode = fields.Function(lambda c: {"id": c.episode.id, "number": c.episode.number, "title": c.episode.title,
                                         "air_date": c.episode.air_date.isoformat()},
                              metadata={"type": "object", "description": "the episode it was made in"})
    extension_pending = fields.Function(lambda c: c.pending_extension is not None, metadata={
        "type": "boolean", "description": "an extension request is waiting for a supervisor"})
    progress_percent = fields.Integer()
    satisfaction = fields.Function(lambda c: c.satisfaction.value if c.satisfaction else None)
    vague = fields.Function(lambda c: bool(c.vague_reason), metadata={
        "type": "boolean", "description": "what was promised names no deliverable that can be checked "
                                          "(only 立即调查, 尽快解决 and the like); for the supervisor to pin down"})
    vague_reason = fields.String(metadata={"description": "the words that make it vague, or empty"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    responsibility = fields.Function(lambda c: responsibility(current_user, c), metadata={
        "type": "string", "nullable": True,
        "description": RESPONSIBILITY_DESCRIPTION})
    co_departments = fields.Function(
        lambda c: [link.department.code for link in c.case.department_links if link.department_id != c.department_id],
        metadata={"type": "array", "items": {"type": "string"},
                  "description": "codes of the co-responsible departments (配合单位): the case's other "
                                 "responsible departments, in the case's order; they read it, the lead acts"})


class OfficialsQuery(Schema):
    department = fields.String(required=True, metadata={"description": "department code"})


class OfficialOut(Schema):
    name = fields.String()
    title = fields.String()


class UserRefOut(Schema):
    id = fields.Integer()
    display_name = fields.Function(lambda u: u.display_name or u.username)
    role = fields.Function(lambda u: u.role.value, metadata={"type": "string"})


class TimelineEventOut(Schema):
    id = fields.Integer()
    action = fields.String(metadata={"description": TIMELINE_ACTIONS})
    actor = fields.Nested(UserRefOut, allow_none=True, metadata={"description": "null for the system"})
    at = fields.AwareDateTime()
    before = fields.Raw(allow_none=True, metadata={"description": "the values the change replaced"})
    after = fields.Raw(allow_none=True, metadata={"description": "the values it set"})
    note = fields.String(metadata={"description": "internal: never public"})
    public_reason = fields.String(metadata={"description": PUBLIC_REASON_DESCRIPTION})


class ExtensionOut(Schema):
    id = fields.Integer()
    status = fields.Function(lambda r: r.status.value, metadata={
        "type": "string", "enum": ["pending", "approved", "rejected", "lapsed"],
        "description": "`lapsed`: still pending when the commitment was verified or closed"})
    deadline = fields.Date(attribute="requested_deadline", metadata={"description": "the deadline asked for"})
    previous_deadline = fields.Date(attribute="current_deadline", metadata={"description": "the deadline when asked"})
    reason = fields.String()
    requested_by = fields.Nested(UserRefOut, allow_none=True)
    requested_at = fields.AwareDateTime(attribute="created_at")


class AttachmentOut(Schema):
    id = fields.Integer()
    commitment_id = fields.Integer()
    original_name = fields.String(metadata={"description": "the uploader's file name, cleaned; for display only"})
    content_type = fields.String(metadata={
        "description": "sniffed from the content: image/jpeg, image/png, image/webp or application/pdf"})
    size = fields.Integer(metadata={"description": "bytes"})
    sha256 = fields.String()
    public = fields.Boolean(metadata={"description": "a supervisor marked it fit to be shown publicly (default false)"})
    uploaded_by = fields.Nested(UserRefOut, attribute="uploader", allow_none=True)
    created_at = fields.AwareDateTime()
    url = fields.Function(lambda a: f"/api/v1/attachments/{a.id}", metadata={
        "type": "string", "description": "where the file is served, to those who may see the commitment"})


class CommitmentDetailOut(CommitmentOut):
    timeline = fields.List(fields.Nested(TimelineEventOut), attribute="events",
                           metadata={"description": "every change, oldest first; never edited, never deleted"})
    extension = fields.Nested(ExtensionOut, attribute="pending_extension", allow_none=True,
                              metadata={"description": "the request waiting for a decision, or null"})
    attachments = fields.List(fields.Nested(AttachmentOut), metadata={"description": "evidence, oldest first"})


class CommitmentListOut(Schema):
    items = fields.List(fields.Nested(CommitmentOut))
    total = fields.Integer(metadata={"description": "how many commitments match, over all pages"})
    total_capped = fields.Boolean(attribute="total.capped", dump_default=False, metadata={
        "description": "true when search words (`q`) match more than 1,000: `total` is then 1000, a lower bound"})


def _flag(description: str) -> fields.Boolean:
    # Only the words `true` and `false`: anything else is refused with 422.
    return fields.Boolean(truthy={"true"}, falsy={"false"}, metadata={"description": description + " (`true`|`false`)"})


class CommitmentQuery(PageQuery):
    """Filters narrow what the reader may see; a department user sees only its own department's
    commitments and, read-only, those of the cases it is co-responsible for (each with its
    `responsibility`), whatever `department` says. Sorted overdue first, then by deadline, then by id."""

    department = fields.String(validate=validate.Length(min=1, max=32),
                               metadata={"description": "a department code; an unknown code is 422"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": STATUS_DESCRIPTION})
    overdue = _flag("overdue, or not overdue")
    due_soon = _flag("due soon, or not due soon")
    extension_pending = _flag("with an extension request waiting, or without")
    vague = _flag("open and flagged as a vague promise (no checkable deliverable), or not")
    episode = fields.Integer(metadata={"description": "an episode id; an unknown episode is 422"})
    responsibility = fields.String(validate=validate.OneOf(RESPONSIBILITIES), metadata={
        "description": "for a department user: `lead` (its own) or `co_responsible` (配合, read-only); "
                       "left out: both. Ignored for producers and supervisors"})
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "words separated by spaces; a commitment matches when it holds all of them, in any order, "
                       "in what was promised, the official, the department, or the case's reference, title or "
                       "summary (the hotline text and the public text). Every character is literal."})


def _note(required: bool, description: str) -> fields.String:
    return fields.String(required=required, validate=validate.Length(max=NOTE_MAX),
                         metadata={"description": description})


class ProgressIn(Schema):
    note = _note(True, "what was done; may not be blank")
    percent = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=100), metadata={
        "description": "how far along, 0–100; any value is accepted (it may go down), and the "
                       "timeline keeps the value before and after. Left out: unchanged."})


class NoteIn(Schema):
    note = _note(True, "why; may not be blank")


def _public_reason(required: bool, description: str) -> fields.String:
    return fields.String(required=required, validate=validate.Length(max=NOTE_MAX),
                         metadata={"description": f"{description}; {PUBLIC_REASON_DESCRIPTION}"})


class ReopenIn(NoteIn):
    public_reason = _public_reason(False, "why it was sent back, for the public (optional)")


class CloseUnfulfilledIn(NoteIn):
    public_reason = _public_reason(True, "why it cannot be fulfilled, for the public; required, may not be "
                                         "blank (422 without, and nothing changes)")


class VerifyIn(Schema):
    satisfaction = fields.String(required=True, validate=validate.OneOf([s.value for s in Satisfaction]),
                                 metadata={"description": "the citizen's answer at the call-back (回访)"})
    note = _note(False, "what the check found")
    public_reason = _public_reason(False, "required when `satisfaction` is `unsatisfied` (422 without, and "
                                          "nothing changes): why it is verified although the citizen is not "
                                          "satisfied")


class ExtensionIn(Schema):
    deadline = fields.Date(required=True, metadata={
        "description": "the new deadline; must be after the current one and not a day already past "
                       "(422 otherwise)"})
    reason = fields.String(required=True, validate=validate.Length(max=NOTE_MAX),
                           metadata={"description": "why more time is needed; may not be blank"})
    public_reason = _public_reason(False, "proposed to the public: shown once the extension is approved, "
                                          "unless the supervisor gives a public reason of their own")


class DecisionIn(Schema):
    note = _note(False, "the supervisor's note to the department")
    public_reason = _public_reason(False, "approve: why the deadline moves, for the public (default: the "
                                          "department's proposed one); reject: kept in the internal timeline "
                                          "(a refused extension changes nothing public)")


class PublishIn(Schema):
    public = fields.Boolean(required=True, metadata={
        "description": "true: may be shown on the public tracker; false: only to those who see the commitment"})


class UploadIn(Schema):
    file = Upload(required=True, metadata={"description": UPLOAD_DESCRIPTION})

