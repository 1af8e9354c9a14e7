"""Undo: revert the last running-order action, as a new version recorded in the log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import ItemState, RundownEvent, RundownItem, User
from .service import UNDOABLE, Change, claim_version, get_episode, items_of, log, refuse, snapshot

# Events that are not running-order moves: undo looks past them.
NOT_RUNDOWN = {"graphic", "screen_clear", "screen_resume", "commitment", "start", "end"}
SLOTS = (ItemState.ON_AIR, ItemState.STANDBY)


def last_undoable(episode_id: int) -> RundownEvent | None:
    """The latest move not yet undone, or None when the latest is one undo cannot cross (add, remove)."""
    events = list(db.session.scalars(select(RundownEvent).where(RundownEvent.episode_id == episode_id)
                                     .order_by(RundownEvent.id.desc())))
    reverted = {event.reverts_event_id for event in events if event.reverts_event_id}
    for event in events:
        if event.action == "undo" or event.id in reverted or event.action in NOT_RUNDOWN:
            continue
        return event if event.action in UNDOABLE else None
    return None


def undo_last(episode_id: int, expected: int | None, actor: User | None) -> Change:
    get_episode(episode_id)
    version = claim_version(episode_id, expected)
    target = last_undoable(episode_id)
    if target is None:
        refuse("There is nothing to undo.", "nothing_to_undo")
    items = items_of(episode_id)
    by_id = {str(item.id): item for item in items}
    if not set(target.before) <= set(by_id):
        refuse("The running order has changed too much to undo this.", "nothing_to_undo")
    before = snapshot(items)
    # Free the on-air and standby slots first, so the database's one-per-episode rule holds.
    for key, saved in target.before.items():
        item = by_id[key]
        if item.state in SLOTS and item.state.value != saved["state"]:
            item.state = ItemState.QUEUED
    db.session.flush()
    for key, saved in target.before.items():
        _restore(by_id[key], saved)
    items.sort(key=lambda item: (item.position, item.id))
    log(episode_id, version, "undo", actor, before, snapshot(items), target.item_id, reverts=target.id)
    db.session.commit()
    return Change(episode_id, version)


def _restore(item: RundownItem, saved: dict) -> None:
    item.state = ItemState(saved["state"])
    item.position = saved["position"]
    item.started_at = _parse(saved["started_at"])
    item.ended_at = _parse(saved["ended_at"])
    item.actual_seconds = saved["actual_seconds"]


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
