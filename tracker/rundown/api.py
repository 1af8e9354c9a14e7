"""The running order: build it, and move its items during the show.

Every change answers with the new running order and is pushed to every display after it
commits. A stale `version`, or a move the state table does not allow, changes nothing and
answers 409 with the current running order.
"""
from __future__ import annotations

from functools import wraps

from flask_login import current_user
from sqlalchemy import select

from ..api import api_blueprint
from ..errors import ConflictError
from ..extensions import db
from ..models import RundownEvent
from ..permissions import allow
from ..realtime import publish_state
from . import screen, service, undo
from .schemas import EventOut, GraphicIn, ItemIn, ItemOut, MoveIn, RundownOut, ScreenIn, VersionIn
from .states import ACTIONS

blp = api_blueprint("rundown_api", __name__, "/episodes", description="Running orders")


def rundown_of(episode_id: int) -> dict:
    version = service.get_episode(episode_id).version
    return {"version": version, "items": service.items_of(episode_id, with_cases=True)}


def answer_with_rundown(view):
    """A 409 carries the current running order, so the console can redraw without asking."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ConflictError as error:
            db.session.rollback()
            error.extra["rundown"] = RundownOut().dump(rundown_of(kwargs["episode_id"]))
            raise
    return wrapped


def changed(change: service.Change) -> dict:
    publish_state(change.episode_id)
    return rundown_of(change.episode_id)


@blp.route("/<int:episode_id>/rundown", methods=["GET"])
@allow("producer")
@blp.response(200, RundownOut)
def get_rundown(episode_id: int):
    return rundown_of(episode_id)


@blp.route("/<int:episode_id>/rundown", methods=["POST"])
@allow("producer")
@blp.arguments(ItemIn)
@blp.response(201, ItemOut)
@answer_with_rundown
def add_item(data: dict, episode_id: int):
    item, change = service.add_item(episode_id, data["case_id"], data.get("planned_seconds"), current_user)
    publish_state(change.episode_id)
    return item


@blp.route("/<int:episode_id>/rundown/<int:item_id>/<any(" + ", ".join(ACTIONS) + "):action>",
           methods=["POST"])
@allow("producer")
@blp.arguments(VersionIn)
@blp.response(200, RundownOut)
@answer_with_rundown
def move_state(data: dict, episode_id: int, item_id: int, action: str):
    return changed(service.apply_action(episode_id, item_id, action, data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/<int:item_id>/move", methods=["POST"])
@allow("producer")
@blp.arguments(MoveIn)
@blp.response(200, RundownOut)
@answer_with_rundown
def move_position(data: dict, episode_id: int, item_id: int):
    return changed(service.move_item(episode_id, item_id, data["position"], data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/<int:item_id>/remove", methods=["POST"])
@allow("producer")
@blp.arguments(VersionIn)
@blp.response(200, RundownOut)
@answer_with_rundown
def remove_item(data: dict, episode_id: int, item_id: int):
    return changed(service.remove_item(episode_id, item_id, data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/undo", methods=["POST"])
@allow("producer")
@blp.arguments(VersionIn)
@blp.response(200, RundownOut)
@answer_with_rundown
def undo_last(data: dict, episode_id: int):
    return changed(undo.undo_last(episode_id, data.get("version"), current_user))


@blp.route("/<int:episode_id>/screen", methods=["POST"])
@allow("producer")
@blp.arguments(ScreenIn)
@blp.response(200, RundownOut)
@answer_with_rundown
def set_screen(data: dict, episode_id: int):
    return changed(screen.set_screen_cleared(episode_id, data["cleared"], data.get("version"), current_user))


@blp.route("/<int:episode_id>/graphic", methods=["POST"])
@allow("producer")
@blp.arguments(GraphicIn)
@blp.response(200, RundownOut)
@answer_with_rundown
def set_graphic(data: dict, episode_id: int):
    return changed(screen.set_graphic(episode_id, data["kind"], data.get("id"), data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/log", methods=["GET"])
@allow("producer", "supervisor")
@blp.response(200, EventOut(many=True), description="every action, oldest first")
def rundown_log(episode_id: int):
    service.get_episode(episode_id)
    return db.session.scalars(select(RundownEvent).where(RundownEvent.episode_id == episode_id)
                              .order_by(RundownEvent.id))


