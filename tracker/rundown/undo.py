"""Undo: revert the episode's last on-air action, of any kind, as a new version in the log.

What undo reverts: running-order moves (take, take-next, standby, done, skip, hold, requeue,
move), straps put on or taken off program, clear screen and resume, a vote opened or closed
(by hand or by its timer). It restores the parts of
what the episode showed that the action changed (the running order, the strap on program, the
strap on preview, the screen) to what they were before it. It looks past what is data rather
than an on-air action — commitments recorded or corrected, a strap cued to preview, an
automatic strap out, a planned time, the start — and it never crosses an item added or
removed, a commitment withdrawn, or the end. Each undo reverts one more action.

Seconds on air count real time only: an item that leaves air by an undo keeps the seconds it
really had, and one that comes back resumes with its seconds and a new stint.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..episodes.changes import (
    PARTS,
    Change,
    EpisodeChange,
    episode_change,
    go_on_air,
    leave_air,
    refuse,
    take_out_strap,
)
from ..extensions import db
from ..models import Episode, ItemState, RundownEvent, User
from ..polls import service as polls

MOVES = {"take", "take_next", "standby", "done", "skip", "hold", "requeue", "move"}
POLL_ACTIONS = {"poll_open", "poll_close", "poll_auto_close"}
UNDOABLE = MOVES | POLL_ACTIONS | {"graphic", "graphic_take", "graphic_out", "screen_clear", "screen_resume"}
# Undo stops at these: what came before them cannot be restored safely.
BARRIERS = {"add", "remove", "commitment_withdraw", "end"}
SLOTS = (ItemState.ON_AIR, ItemState.STANDBY)


def last_undoable(episode_id: int) -> RundownEvent | None:
    """The latest on-air action not yet undone, or None when a barrier comes first."""
    events = db.session.scalars(select(RundownEvent).where(RundownEvent.episode_id == episode_id)
                                .order_by(RundownEvent.id.desc()))
    reverted: set[int] = set()
    for event in events:
        if event.reverts_event_id:
            reverted.add(event.reverts_event_id)
        if event.action == "undo" or event.id in reverted:
            continue
        if event.action in BARRIERS:
            return None
        if event.action in UNDOABLE:
            return event
    return None


def undo_last(episode_id: int, expected: int | None, actor: User | None) -> Change:
    """Revert the last on-air action; 409 `nothing_to_undo`, 409 `episode_ended` after the end."""
    with episode_change(episode_id, expected, actor, "undo") as change:
        target = last_undoable(episode_id)
        if target is None:
            refuse("There is nothing to undo.", "nothing_to_undo")
        before, after = parts_of(target.action, target.before), parts_of(target.action, target.after)
        touched = [part for part in PARTS if part in before and before[part] != after.get(part)]
        if "items" in touched:
            _restore_items(change, before["items"])
        if "program" in touched:
            _restore_program(change.episode, before["program"], change.now)
        if "preview" in touched:
            preview = before["preview"]
            change.episode.preview_kind = preview["kind"] if preview else None
            change.episode.preview_id = preview["id"] if preview else None
        if "screen" in touched:
            change.episode.screen_cleared = before["screen"]["cleared"]
        if "poll" in touched:
            polls.restore(change, before["poll"], after.get("poll"))
        change.item_id, change.reverts = target.item_id, target.id
        change.undone = {"event_id": target.id, "action": target.action, "item_id": target.item_id}
    return change.result


def parts_of(action: str, logged: dict | None) -> dict:
    """A logged before/after by part; events written before the parts existed are read too."""
    logged = logged or {}
    if "items" in logged or not logged:
        return logged
    if action in MOVES:
        return {"items": logged}
    if action == "graphic":
        return {"program": {"kind": logged.get("kind", "none"), "id": logged.get("id"), "item_id": None,
                            "taken_at": None, "out_at": None}}
    if "screen_cleared" in logged:
        return {"screen": {"cleared": logged["screen_cleared"]}}
    return logged


def _restore_items(change: EpisodeChange, saved: dict[str, dict]) -> None:
    by_id = {str(item.id): item for item in change.items()}
    if set(saved) != set(by_id):
        refuse("The running order has changed too much to undo this.", "nothing_to_undo")
    targets = {key: ItemState(value["state"]) for key, value in saved.items()}
    # Free the on-air and standby slots first, so the database's one-per-episode rule holds;
    # an item leaving air here keeps the seconds it really had.
    for key, item in by_id.items():
        if item.state in SLOTS and item.state is not targets[key]:
            leave_air(item, change.now, ItemState.QUEUED)
    db.session.flush()
    for key, item in by_id.items():
        if targets[key] is ItemState.ON_AIR and item.state is not ItemState.ON_AIR:
            go_on_air(item, change.now)  # back on air: a new stint, the earlier seconds kept
        elif item.state is not targets[key]:
            leave_air(item, change.now, targets[key])
        item.position = saved[key]["position"]


def _restore_program(episode: Episode, program: dict, moment: datetime) -> None:
    out_at = _parse(program.get("out_at"))
    if program["kind"] == "none" or (out_at is not None and out_at <= moment):
        take_out_strap(episode)  # a strap whose auto-out has passed stays out
        return
    episode.graphic_kind, episode.graphic_id = program["kind"], program["id"]
    episode.graphic_item_id, episode.graphic_out_at = program.get("item_id"), out_at
    episode.graphic_taken_at = _parse(program.get("taken_at"))


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
