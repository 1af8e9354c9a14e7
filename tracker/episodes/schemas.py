from typing import Any

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

STATUSES = ["planned", "live", "ended"]


class EpisodeOut(Schema):
    id = fields.Integer()
    number = fields.Integer()
    title = fields.String()
    air_date = fields.Date()
    status = fields.Function(lambda e: e.status.value, metadata={"enum": STATUSES})
    version = fields.Integer()
    scheduled_start = fields.AwareDateTime(allow_none=True)
    scheduled_end = fields.AwareDateTime(allow_none=True)
    started_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)


class EpisodeIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    air_date = fields.Date(required=True)
    number = fields.Integer(validate=validate.Range(min=1))
    scheduled_start = fields.AwareDateTime(allow_none=True, metadata={"description": "with a UTC offset"})
    scheduled_end = fields.AwareDateTime(allow_none=True)

    @validates_schema
    def end_after_start(self, data: dict, **_kwargs: Any) -> None:
        start, end = data.get("scheduled_start"), data.get("scheduled_end")
        if start and end and end <= start:
            raise ValidationError("The scheduled end must be after the start.", "scheduled_end")


class EpisodePatch(EpisodeIn):
    title = fields.String(validate=validate.Length(min=1, max=200))
    air_date = fields.Date()


class EpisodeQuery(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
