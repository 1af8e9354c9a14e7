from marshmallow import Schema, fields, validate

from .rules import is_overdue

STATUSES = ["committed", "in_progress", "claimed_done", "verified", "claimed_unfulfillable", "closed_unfulfilled"]


class CommitmentIn(Schema):
    episode_id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    department_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    official_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    official_title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    deadline = fields.Date(required=True, metadata={"description": "a day in the past is accepted (back-filling), and is overdue at once"})
    quote = fields.String(allow_none=True, validate=validate.Length(max=2000))
    spoken_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it was said; default now"})


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
    deadline = fields.Date()
    original_deadline = fields.Date()
    spoken_at = fields.AwareDateTime(allow_none=True)
    status = fields.Function(lambda c: c.status.value, metadata={"enum": STATUSES})
    is_overdue = fields.Function(lambda c: is_overdue(c.deadline, c.status), metadata={"type": "boolean"})
    progress_percent = fields.Integer()
    satisfaction = fields.Function(lambda c: c.satisfaction.value if c.satisfaction else None)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class OfficialsQuery(Schema):
    department = fields.String(required=True, metadata={"description": "department code"})


class OfficialOut(Schema):
    name = fields.String()
    title = fields.String()
