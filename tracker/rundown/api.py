"""The running order: build it, and move its items during the show.

Every change answers with the new running order and is pushed to every display after it
commits. A stale `version`, or a move the state table does not allow, changes nothing and
answers 409 with the current running order.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_login import current_user
from sqlalchemy import select

from ..api import api_blueprint
from ..episodes.changes import Change, get_episode, items_of
from ..errors import ConflictError
from ..extensions import db
from ..live.state import LiveRead, read_live
from ..models import RundownEvent
from ..permissions import allow
from ..realtime import publish
from . import graphics, service, undo
from .descriptions import describe
from .schemas import (
    EventOut,
    GraphicIn,
    ItemIn,
    ItemOut,
    MoveIn,
    PlanIn,
    PreviewIn,
    RundownConflict,
    RundownOut,
    ScreenIn,
    TakeIn,
    UndoOut,
    VersionIn,
)
from .states import ACTIONS

STALE = ("`stale_version`, `episode_ended`, or a move the state table does not allow (`conflict`); "
         "nothing changes; with the running order as it is now")
blp = api_blueprint("rundown_api", __name__, "/episodes", description="Running orders")


def rundown_of(episode_id: int) -> dict:
    version = get_episode(episode_id).version
    return {"version": version, "items": items_of(episode_id, with_cases=True)}


def rundown_from(read: LiveRead) -> dict:
    """The running order as the answer gives it, from the rows the pushed state was built from."""
    return {"version": read.episode.version, "items": read.items}


def answer_with_rundown(view: Callable[..., Any]) -> Callable[..., Any]:
    """A 409 carries the current running order, so the console can redraw without asking."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except ConflictError as error:
            db.session.rollback()
            error.extra["rundown"] = RundownOut().dump(rundown_of(kwargs["episode_id"]))
            raise
    return wrapped


def changed(change: Change) -> dict:
    """Publish a committed change and answer with the running order: one read for both."""
    read = read_live(change.episode_id)
    publish(change, read)
    return rundown_from(read)


@blp.route("/<int:episode_id>/rundown", methods=["GET"])
@allow("producer")
@blp.response(200, RundownOut)
def get_rundown(episode_id: int):
    return rundown_of(episode_id)


@blp.route("/<int:episode_id>/rundown", methods=["POST"])
@allow("producer")
@blp.arguments(ItemIn)
@blp.response(201, ItemOut)
@blp.alt_response(409, schema=RundownConflict, description=STALE)
@answer_with_rundown
def add_item(data: dict, episode_id: int):
    item, change = service.add_item(episode_id, data["case_id"], data.get("planned_seconds"), current_user)
    publish(change)
    return item


@blp.route("/<int:episode_id>/rundown/<int:item_id>/<any(" + ", ".join(ACTIONS) + "):action>",
           methods=["POST"])
@allow("producer")
@blp.arguments(VersionIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict, description=STALE)
@answer_with_rundown
def move_state(data: dict, episode_id: int, item_id: int, action: str):
    return changed(service.apply_action(episode_id, item_id, action, data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/<int:item_id>/move", methods=["POST"])
@allow("producer")
@blp.arguments(MoveIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict, description=STALE)
@answer_with_rundown
def move_position(data: dict, episode_id: int, item_id: int):
    return changed(service.move_item(episode_id, item_id, data["position"], data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/<int:item_id>/remove", methods=["POST"])
@allow("producer")
@blp.arguments(VersionIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict, description=STALE)
@answer_with_rundown
def remove_item(data: dict, episode_id: int, item_id: int):
    return changed(service.remove_item(episode_id, item_id, data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/<int:item_id>", methods=["PATCH"])
@allow("producer")
@blp.arguments(PlanIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict, description=STALE)
@answer_with_rundown
def plan_item(data: dict, episode_id: int, item_id: int):
    """Set an item's planned time, for the console's back-timing."""
    return changed(service.plan_item(episode_id, item_id, data["planned_seconds"], data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/take-next", methods=["POST"])
@allow("producer")
@blp.arguments(VersionIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict,
                  description="`nothing_on_standby`, `stale_version`, `episode_ended`; with the running order")
@answer_with_rundown
def take_next(data: dict, episode_id: int):
    """Take next: the standby item goes on air (the one on air before is done), and the next
    queued item after it goes to standby. One key on the console, one button on a Stream Deck."""
    return changed(service.take_next(episode_id, data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/undo", methods=["POST"])
@allow("producer")
@blp.arguments(VersionIn)
@blp.response(200, UndoOut)
@blp.alt_response(409, schema=RundownConflict,
                  description="`nothing_to_undo`; `episode_ended` once the episode has ended (nothing "
                              "changes); `stale_version`; with the running order")
@answer_with_rundown
def undo_last(data: dict, episode_id: int):
    """Undo the episode's last on-air action, of any kind, as a new version.

    Undone: running-order moves (take, take-next, standby, done, skip, hold, requeue, move), a
    strap put on program or taken out, clear screen and resume. The parts of what the episode
    showed that the action changed (running order, strap on program, strap on preview, screen)
    go back to what they were before it; each further undo reverts one more action.

    Looked past, not undone: commitments recorded or corrected (they are data, with their own
    correction path: `PATCH /commitments/{id}`), a strap cued to preview (not on air), an
    automatic strap out, a planned time, the start. Never crossed: an item added or removed, a
    commitment withdrawn, the end — undo is refused with 409 `episode_ended` once the episode has
    ended. Seconds on air count real time only: an item taken off air by an undo keeps the
    seconds it really had, one put back resumes with its seconds and a new `started_at`.
    """
    change = undo.undo_last(episode_id, data.get("version"), current_user)
    answer = changed(change)
    undone = change.undone or {}  # an undo always says what it undid
    return {**answer, "undone": {"action": undone["action"], "item_id": undone["item_id"],
                                 "description": describe(undone["event_id"])}}


@blp.route("/<int:episode_id>/screen", methods=["POST"])
@allow("producer")
@blp.arguments(ScreenIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict, description=STALE)
@answer_with_rundown
def set_screen(data: dict, episode_id: int):
    return changed(graphics.set_screen_cleared(episode_id, data["cleared"], data.get("version"), current_user))


@blp.route("/<int:episode_id>/graphic", methods=["POST"])
@allow("producer")
@blp.arguments(GraphicIn)
@blp.response(200, RundownOut)
@blp.alt_response(422, description="unknown kind; a commitment not of this episode or withdrawn; a quote where "
                                   "the commitment has none")
@blp.alt_response(409, schema=RundownConflict, description=STALE)
@answer_with_rundown
def set_graphic(data: dict, episode_id: int):
    """Put a strap straight on program (`kind: none` takes it out), skipping the preview."""
    return changed(graphics.set_graphic(episode_id, data["kind"], data.get("id"), data.get("version"), current_user,
                                        data.get("auto_out_seconds")))


@blp.route("/<int:episode_id>/graphic/preview", methods=["POST"])
@allow("producer")
@blp.arguments(PreviewIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict, description=STALE)
@answer_with_rundown
def cue_graphic(data: dict, episode_id: int):
    """Cue a strap to preview: the `?mode=preview` display shows it, program does not. Not undoable."""
    return changed(graphics.cue_preview(episode_id, data["kind"], data.get("id"), data.get("version"), current_user))


@blp.route("/<int:episode_id>/graphic/take", methods=["POST"])
@allow("producer")
@blp.arguments(TakeIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict,
                  description="`nothing_cued`: the preview is empty; with the running order")
@answer_with_rundown
def take_graphic(data: dict, episode_id: int):
    """The strap on preview goes to program (on air); the preview is empty after."""
    return changed(graphics.take_preview(episode_id, data.get("version"), current_user, data.get("auto_out_seconds")))


@blp.route("/<int:episode_id>/graphic/out", methods=["POST"])
@allow("producer")
@blp.arguments(VersionIn)
@blp.response(200, RundownOut)
@blp.alt_response(409, schema=RundownConflict,
                  description="`nothing_on_program`: no strap is on air; with the running order")
@answer_with_rundown
def take_graphic_out(data: dict, episode_id: int):
    """The strap on program goes out."""
    return changed(graphics.take_out(episode_id, data.get("version"), current_user))


@blp.route("/<int:episode_id>/rundown/log", methods=["GET"])
@allow("producer", "supervisor")
@blp.response(200, EventOut(many=True), description="every action, oldest first")
def rundown_log(episode_id: int):
    get_episode(episode_id)
    return db.session.scalars(select(RundownEvent).where(RundownEvent.episode_id == episode_id)
                              .order_by(RundownEvent.id))


