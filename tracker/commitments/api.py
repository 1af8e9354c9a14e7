"""Commitments API."""
from __future__ import annotations

from flask_login import current_user

from ..api import api_blueprint
from ..departments.service import get_by_code
from ..permissions import allow
from ..realtime import publish_state
from . import service
from .schemas import CommitmentIn, CommitmentOut, OfficialOut, OfficialsQuery

blp = api_blueprint("commitments_api", __name__, "/commitments", description="Commitments made on air")


@blp.route("", methods=["POST"])
@allow("producer")
@blp.arguments(CommitmentIn)
@blp.response(201, CommitmentOut)
def record_commitment(data: dict):
    commitment, change = service.record(data, current_user)
    publish_state(change.episode_id)
    return commitment


@blp.route("/officials", methods=["GET"])
@allow("producer")
@blp.arguments(OfficialsQuery, location="query")
@blp.response(200, OfficialOut(many=True), description="most recent first, as a plain JSON array")
def officials(query: dict):
    """Officials of a department already seen making commitments: suggestions for the on-air form."""
    department = get_by_code(query["department"])
    return [{"name": name, "title": title} for name, title in service.officials_seen(department.id)]
