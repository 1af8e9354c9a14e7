"""The follow-up segment's endpoint: add a 回头看 block to a coming episode's running order."""
from __future__ import annotations

from flask_login import current_user

from ..api import api_blueprint
from ..permissions import allow
from ..realtime import publish
from ..rundown.api import answer_with_rundown
from ..rundown.schemas import FollowupIn, ItemOut, RundownConflict
from . import service

blp = api_blueprint("followup_api", __name__, "/episodes", description="Follow-up segment (回头看)")


@blp.route("/<int:episode_id>/rundown/followup", methods=["POST"])
@allow("producer", "supervisor")
@blp.arguments(FollowupIn)
@blp.response(201, ItemOut, description="the new block, `kind: followup`, queued at the end of the running order")
@blp.alt_response(409, schema=RundownConflict,
                  description="`episode_ended`: the running order is closed; with the current running order")
@answer_with_rundown
def add_followup(data: dict, episode_id: int):
    """Add a follow-up block of earlier commitments to the running order.

    The supervisor picks the commitments on the oversight desk (overdue, unsatisfied, recently
    verified); the producer may add a block too. On air the block moves like any case item. 422
    (nothing changes) for an empty list, an unknown commitment or one named twice.
    """
    item, change = service.add_followup(episode_id, data["commitment_ids"], data.get("title"),
                                        data.get("planned_seconds"), current_user)
    publish(change)
    return item
