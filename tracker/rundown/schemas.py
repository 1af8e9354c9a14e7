from marshmallow import Schema, fields, validate

from .states import ACTIONS

STATES = ["queued", "standby", "on_air", "done", "skipped", "held"]
VERSION_DOC = ("the episode version this request is based on; if it is not the current one, nothing "
               "changes and the answer is 409 with the current running order")


class CaseBrief(Schema):
    id = fields.Integer()
    ref = fields.String()
    title = fields.String()
    lead_department = fields.Function(
        lambda case: {"code": case.lead_department.code, "name": case.lead_department.name}
        if case.lead_department else None)


class ItemOut(Schema):
    id = fields.Integer()
    episode_id = fields.Integer()
    case_id = fields.Integer()
    state = fields.Function(lambda item: item.state.value, metadata={"enum": STATES})
    position = fields.Integer(metadata={"description": "0 = first in the running order"})
    planned_seconds = fields.Integer(allow_none=True)
    started_at = fields.AwareDateTime(allow_none=True, metadata={"description": "start of the latest stint on air"})
    ended_at = fields.AwareDateTime(allow_none=True)
    actual_seconds = fields.Integer(metadata={"description": "seconds on air, all stints, the running one excluded"})
    case = fields.Nested(CaseBrief)


class RundownOut(Schema):
    version = fields.Integer()
    items = fields.List(fields.Nested(ItemOut))


class ItemIn(Schema):
    case_id = fields.Integer(required=True)
    planned_seconds = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=6 * 3600))


class VersionIn(Schema):
    version = fields.Integer(allow_none=True, metadata={"description": VERSION_DOC})


class MoveIn(VersionIn):
    position = fields.Integer(required=True, validate=validate.Range(min=0),
                              metadata={"description": "0 = first; past the end = last"})


class ScreenIn(VersionIn):
    cleared = fields.Boolean(required=True)


class GraphicIn(VersionIn):
    kind = fields.String(required=True, validate=validate.OneOf(["case", "commitment", "none"]))
    id = fields.Integer(allow_none=True, metadata={"description": "the commitment, for kind=commitment"})


class EventOut(Schema):
    id = fields.Integer()
    action = fields.String()
    item_id = fields.Integer(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    version = fields.Integer()
    reverts_event_id = fields.Integer(allow_none=True)
    before = fields.Raw()
    after = fields.Raw()
    at = fields.AwareDateTime()


ACTION_PATTERN = "|".join(ACTIONS)
