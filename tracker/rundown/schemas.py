from typing import Any

from marshmallow import Schema, fields, post_dump, validate

from ..api import ErrorDetail
from ..models import RundownItem
from .states import ACTIONS

KINDS = ["case", "followup"]
KIND_DOC = "`case`: one case; `followup`: a 回头看 block reporting back on earlier commitments"
STATES = ["queued", "standby", "on_air", "done", "skipped", "held"]
VERSION_DOC = ("the episode version this request is based on; if it is not the current one, nothing "
               "changes and the answer is 409 with the current running order")


class CaseBrief(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "null for a follow-up block"})
    ref = fields.String(allow_none=True, metadata={"description": "null for a follow-up block"})
    title = fields.String()
    lead_department = fields.Function(
        lambda case: {"code": case.lead_department.code, "name": case.lead_department.name}
        if case.lead_department else None)


class ItemOut(Schema):
    id = fields.Integer()
    episode_id = fields.Integer()
    kind = fields.Function(lambda item: item.kind.value, metadata={"enum": KINDS, "description": KIND_DOC})
    case_id = fields.Integer(allow_none=True, metadata={"description": "null for a follow-up block"})
    title = fields.String(metadata={"description": "a follow-up block's heading; empty for a case"})
    commitment_ids = fields.Function(lambda item: [link.commitment_id for link in item.followups],
                                     metadata={"description": "a follow-up block's commitments, in order"})
    state = fields.Function(lambda item: item.state.value, metadata={"enum": STATES})
    position = fields.Integer(metadata={"description": "0 = first in the running order"})
    planned_seconds = fields.Integer(allow_none=True)
    started_at = fields.AwareDateTime(allow_none=True, metadata={"description": "start of the latest stint on air"})
    ended_at = fields.AwareDateTime(allow_none=True)
    actual_seconds = fields.Integer(metadata={"description": "seconds on air, all stints, the running one excluded"})
    case = fields.Nested(CaseBrief, metadata={"description": "the case; for a follow-up block "
                                                            "`{id: null, ref: null, title}`"})

    @post_dump(pass_original=True)
    def block_heading(self, data: dict, item: RundownItem | dict, **kwargs: Any) -> dict:
        # A follow-up block keeps the case's shape, headed by its own title.
        if data.get("case") is None and "case" in self.fields and not isinstance(item, dict):
            data["case"] = {"id": None, "ref": None, "title": item.title, "lead_department": None}
        return data


class RundownOut(Schema):
    version = fields.Integer()
    items = fields.List(fields.Nested(ItemOut))


class RundownConflict(Schema):
    """A 409 from a running-order change: the error, and the running order as it is now."""

    error = fields.Nested(ErrorDetail, required=True)
    rundown = fields.Nested(RundownOut, required=True)


class ItemIn(Schema):
    case_id = fields.Integer(required=True)
    planned_seconds = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=6 * 3600))


class FollowupIn(Schema):
    commitment_ids = fields.List(fields.Integer(), required=True,
                                 metadata={"description": "the commitments to report back on, in order; "
                                                          "at least one, none twice"})
    title = fields.String(allow_none=True, metadata={"description": "the block's heading; default 回头看"})
    planned_seconds = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=6 * 3600))


class VersionIn(Schema):
    version = fields.Integer(allow_none=True, metadata={"description": VERSION_DOC})


class MoveIn(VersionIn):
    position = fields.Integer(required=True, validate=validate.Range(min=0),
                              metadata={"description": "0 = first; past the end = last"})


class ScreenIn(VersionIn):
    cleared = fields.Boolean(required=True)


AUTO_OUT_DOC = ("take the strap out by itself this many seconds after it went on air (the displays hide it "
               "then by the server clock, and the server records the out); leave out to keep it up")
STRAP_KINDS = ["case", "commitment", "quote", "none"]
STRAP_DOC = ("`case`: the item on air; `commitment`: one commitment of this episode (`id`); `quote`: that "
             "commitment's verbatim quote (422 if it has none); `none`: no strap")


class GraphicIn(VersionIn):
    kind = fields.String(required=True, validate=validate.OneOf(STRAP_KINDS), metadata={"description": STRAP_DOC})
    id = fields.Integer(allow_none=True, metadata={"description": "the commitment, for kind=commitment|quote"})
    auto_out_seconds = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=3600),
                                      metadata={"description": AUTO_OUT_DOC})


class PreviewIn(VersionIn):
    kind = fields.String(required=True, validate=validate.OneOf(STRAP_KINDS),
                         metadata={"description": STRAP_DOC + "; `none` empties the preview"})
    id = fields.Integer(allow_none=True, metadata={"description": "the commitment, for kind=commitment|quote"})


class TakeIn(VersionIn):
    auto_out_seconds = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=3600),
                                      metadata={"description": AUTO_OUT_DOC})


class PlanIn(VersionIn):
    planned_seconds = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=0, max=6 * 3600),
                                     metadata={"description": "the item's planned time in seconds; null: none"})


class UndoneOut(Schema):
    action = fields.String(metadata={"description": "the action reverted, as in the log: `take`, `take_next`, "
                                                    "`graphic`, `graphic_take`, `screen_clear`, …"})
    item_id = fields.Integer(allow_none=True)
    description = fields.String(metadata={"description": "what was undone, in the request's language, e.g. "
                                                         "“字幕条 刘敏 副局长”, “上播 SY-2026-0042”"})


class UndoOut(RundownOut):
    undone = fields.Nested(UndoneOut)


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
