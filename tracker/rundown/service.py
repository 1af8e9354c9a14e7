"""Running-order operations. Each is one change through `episode_change`, raising the version.

Of several requests that arrive with the same version exactly one is applied; the others change
nothing and get 409 with the running order as it now is (see tracker/episodes/changes.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..episodes.changes import Change, EpisodeChange, episode_change, get_episode, go_on_air, leave_air, refuse
from ..errors import ConflictError, InvalidError
from ..extensions import db
from ..models import Case, CaseStatus, ItemState, Poll, RundownItem, User
from .states import target_state


def apply_action(episode_id: int, item_id: int, action: str, expected: int | None, actor: User | None) -> Change:
    """Move one item as PRODUCT.md's table allows, with its side effects; 409 otherwise."""
    with episode_change(episode_id, expected, actor, action) as change:
        item = change.item(item_id)
        change.item_id = item.id
        target = target_state(action, item.state)
        if target is None:
            refuse(f"An item that is {item.state.value} cannot be moved with '{action}'.")
        move(change, item, target)
    return change.result


def move(change: EpisodeChange, item: RundownItem, target: ItemState) -> None:
    """Put `item` in `target` with the side effects: one item on air and one on standby per episode."""
    items = change.items()
    for other in items:
        if other is item:
            continue
        if target is ItemState.ON_AIR and other.state is ItemState.ON_AIR:
            leave_air(other, change.now, ItemState.DONE)
        elif target is ItemState.STANDBY and other.state is ItemState.STANDBY:
            other.state = ItemState.QUEUED
    db.session.flush()  # free the on-air / standby slot before this item takes it
    if target is ItemState.ON_AIR:
        go_on_air(item, change.now)
        if item.case is not None:  # a follow-up block has no case of its own
            item.case.status = CaseStatus.AIRED
    else:
        leave_air(item, change.now, target)


def take_next(episode_id: int, expected: int | None, actor: User | None) -> Change:
    """The standby item goes on air (the one on air before is done), and the next queued item
    after it goes to standby; 409 `nothing_on_standby`."""
    with episode_change(episode_id, expected, actor, "take_next") as change:
        items = change.items()
        standby = next((item for item in items if item.state is ItemState.STANDBY), None)
        if standby is None:
            refuse("Nothing is on standby.", "nothing_on_standby")
        change.item_id = standby.id
        move(change, standby, ItemState.ON_AIR)
        following = next((item for item in items if item.position > standby.position
                          and item.state is ItemState.QUEUED), None)
        if following is not None:
            db.session.flush()
            following.state = ItemState.STANDBY
    return change.result


def add_item(episode_id: int, case_id: int, planned_seconds: int | None,
             actor: User | None) -> tuple[RundownItem, Change]:
    """Append a case to the running order, queued."""
    get_episode(episode_id)
    if db.session.get(Case, case_id) is None:
        raise InvalidError("No such case.", fields={"case_id": ["Unknown case."]})
    with episode_change(episode_id, None, actor, "add") as change:
        if db.session.scalar(select(RundownItem.id).where(RundownItem.episode_id == episode_id,
                                                          RundownItem.case_id == case_id)):
            raise ConflictError("This case is already in the running order.", code="duplicate_case")
        item = RundownItem(episode_id=episode_id, case_id=case_id, position=next_position(episode_id),
                           planned_seconds=planned_seconds, state=ItemState.QUEUED)
        db.session.add(item)
        case = db.session.get_one(Case, case_id)  # checked above
        if case.status is CaseStatus.POOL:
            case.status = CaseStatus.SCHEDULED
        db.session.flush()
        change.item_id = item.id
    return item, change.result


def next_position(episode_id: int) -> int:
    return db.session.scalar(select(func.count(RundownItem.id)).where(RundownItem.episode_id == episode_id)) or 0


def move_item(episode_id: int, item_id: int, position: int, expected: int | None, actor: User | None) -> Change:
    """Put an item at `position` (0 = first; past the end = last) and renumber the rest."""
    with episode_change(episode_id, expected, actor, "move") as change:
        item = change.item(item_id)
        change.item_id = item.id
        items = change.items()
        items.remove(item)
        items.insert(min(position, len(items)), item)
        for index, each in enumerate(items):
            each.position = index
    return change.result


def plan_item(episode_id: int, item_id: int, planned_seconds: int | None, expected: int | None,
              actor: User | None) -> Change:
    """Set an item's planned time (seconds; None: not planned)."""
    with episode_change(episode_id, expected, actor, "plan") as change:
        item = change.item(item_id)
        change.item_id = item.id
        change.log({"planned_seconds": item.planned_seconds}, {"planned_seconds": planned_seconds})
        item.planned_seconds = planned_seconds
    return change.result


def remove_item(episode_id: int, item_id: int, expected: int | None, actor: User | None) -> Change:
    """Take a case (or a follow-up block) out of the running order — only one that has never been on air."""
    with episode_change(episode_id, expected, actor, "remove", after_end=True) as change:
        item = change.item(item_id)
        change.item_id = item.id
        if item.started_at is not None or item.state in (ItemState.ON_AIR, ItemState.STANDBY):
            refuse("Only an item that has not been on air, and is not on standby, can be removed.")
        if db.session.scalar(select(Poll.id).where(Poll.item_id == item.id).limit(1)) is not None:
            refuse("The audience has voted on this item; it stays in the running order.")
        if item.case is not None and item.case.status is CaseStatus.SCHEDULED:
            item.case.status = CaseStatus.POOL
        db.session.delete(item)
        db.session.flush()
        for index, each in enumerate(change.items()):
            each.position = index
    return change.result


def stint_seconds(item: RundownItem, moment: datetime) -> int:
    """Seconds on air up to `moment`: every finished stint, and the running one."""
    started = item.started_at
    if item.state is ItemState.ON_AIR and started is not None and item.ended_at is None:
        return item.actual_seconds + max(0, int((moment - started).total_seconds()))
    return item.actual_seconds
