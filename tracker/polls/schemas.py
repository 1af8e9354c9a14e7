"""What the vote's endpoints take and give."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..models import Choice, CodeMode

CHOICES = [choice.value for choice in Choice]
CODE_MODES = [mode.value for mode in CodeMode]
COUNTS = {"type": "object", "description": "satisfied, basically_satisfied, unsatisfied → a number"}


class OpenIn(Schema):
    item_id = fields.Integer(metadata={"description": "the running-order item (its case is judged); "
                                                      "without it, the item on air"})
    version = fields.Integer(metadata={"description": "the episode version the console saw; stale → 409"})
    timer = fields.Boolean(metadata={"description": "close by itself after `timer_seconds` (default 60)"})
    timer_seconds = fields.Integer(validate=validate.Range(min=5, max=3600), metadata={
        "description": "close by itself after this many seconds (implies `timer`)"})
    code_mode = fields.String(validate=validate.OneOf(CODE_MODES), metadata={
        "description": "off, rotating (the code on screen), studio (seat-card codes); default: the "
                       "episode's previous poll's, else the deployment's `TRACKER_POLL_CODE_MODE`"})


class CloseIn(Schema):
    version = fields.Integer()


class BallotIn(Schema):
    choice = fields.String(required=True, metadata={"enum": CHOICES, "description": ", ".join(CHOICES)})
    code = fields.String(validate=validate.Length(max=40), allow_none=True, metadata={
        "description": "the rotating code from the screen's QR code, or a seat-card code"})


class PollCaseOut(Schema):
    id = fields.Integer()
    ref = fields.String()
    title = fields.String(metadata={"description": "the case's public title"})


class PollOut(Schema):
    id = fields.Integer()
    episode_id = fields.Integer()
    item_id = fields.Integer()
    case = fields.Nested(PollCaseOut)
    choices = fields.List(fields.String(), metadata={"description": "in the order to show them"})
    open = fields.Boolean()
    counts = fields.Dict(metadata=COUNTS)
    percentages = fields.Dict(metadata={**COUNTS, "description": "whole percentages adding up to 100"})
    total = fields.Integer()
    opened_at = fields.String()
    closes_at = fields.String(allow_none=True, metadata={"description": "the timer, if any"})
    closed_at = fields.String(allow_none=True)
    code_mode = fields.String(metadata={"enum": CODE_MODES})


class PollChangeOut(PollOut):
    version = fields.Integer(metadata={"description": "the episode's version after the change"})


class ProducerPollOut(PollOut):
    cancelled = fields.Boolean(metadata={"description": "its opening was undone: never public"})


class BallotOut(Schema):
    poll_id = fields.Integer()
    choice = fields.String(metadata={"description": "the ballot now counted for this device"})
    stored = fields.Boolean(metadata={"description": "always true: the answer comes after the commit"})


class CodeOut(Schema):
    code = fields.String(metadata={"description": "the rotating code to show now"})
    rotates_in = fields.Float(metadata={"description": "seconds until the next code"})
    accepted_seconds = fields.Integer(metadata={"description": "how long a code is accepted after it appears"})
    vote_url = fields.String(metadata={"description": "the URL for the QR code, carrying the code"})


class SeatCodeOut(Schema):
    seat = fields.Integer()
    code = fields.String()


class SeatCodesOut(Schema):
    episode_id = fields.Integer()
    codes = fields.List(fields.Nested(SeatCodeOut))


class SeatCodesQuery(Schema):
    count = fields.Integer(validate=validate.Range(min=1, max=9999), metadata={
        "description": "how many seats (default `TRACKER_POLL_SEAT_CODES`); codes beyond it are refused"})
