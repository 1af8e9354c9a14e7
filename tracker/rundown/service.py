"""Running-order operations. Each is one transaction that raises the episode's version.

The version check and the write are one atomic step: a compare-and-set
`UPDATE episodes SET version = v + 1 WHERE id = ? AND version = v`. Of several requests that
arrive with the same version, exactly one matches; the others change nothing and get 409
with the running order as it now is. The CAS also takes the episode row's write lock, so the
moves that follow it see, and act on, the latest committed running order.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..errors import ConflictError, InvalidError, NotFoundError
from ..extensions import db
from ..models import (Case, CaseDepartment, CaseStatus, Episode, EpisodeStatus, ItemState, RundownEvent,
                      RundownItem, User, utcnow)
from .states import target_state

UNDOABLE = {"take", "standby", "done", "skip", "hold", "requeue", "move"}


class StaleVersion(ConflictError):
    """The request's version is not the episode's: someone else changed it first."""


@dataclass
class Change:
    """What an operation changed, for the caller to publish after the commit."""

    episode_id: int
    version: int


def get_episode(episode_id: int) -> Episode:
    episode = db.session.get(Episode, episode_id)
    if episode is None:
        raise NotFoundError("No such episode.")
    return episode


def items_of(episode_id: int, with_cases: bool = False) -> list[RundownItem]:
    """The running order; `with_cases` loads each case and its departments, and each follow-up
    block's commitment links, in a few more queries."""
    query = (select(RundownItem).where(RundownItem.episode_id == episode_id)
             .order_by(RundownItem.position, RundownItem.id))
    if with_cases:
        query = query.options(selectinload(RundownItem.case).selectinload(Case.department_links)
                              .selectinload(CaseDepartment.department),
                              selectinload(RundownItem.followups))
    return list(db.session.scalars(query))


def claim_version(episode_id: int, expected: int | None) -> int:
    """Compare-and-set the episode's version; the new version, or StaleVersion.

    Without an expected version the current one is read and claimed, which still refuses
    a change that slips in between.
    """
    if expected is None:
        expected = db.session.scalar(select(Episode.version).where(Episode.id == episode_id))
        if expected is None:
            raise NotFoundError("No such episode.")
    result = db.session.execute(
        update(Episode).where(Episode.id == episode_id, Episode.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        get_episode(episode_id)  # 404 rather than 409 for an episode that does not exist
        raise StaleVersion("The running order has changed since you loaded it.", code="stale_version")
    # Everything read before the claim may be stale: read again under the lock.
    db.session.expire_all()
    return expected + 1


def snapshot(items: list[RundownItem]) -> dict[str, dict]:
    return {str(item.id): {"state": item.state.value, "position": item.position,
                           "started_at": _iso(item.started_at), "ended_at": _iso(item.ended_at),
                           "actual_seconds": item.actual_seconds} for item in items}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def log(episode_id: int, version: int, action: str, actor: User | None, before: dict, after: dict,
        item_id: int | None = None, reverts: int | None = None) -> None:
    db.session.add(RundownEvent(episode_id=episode_id, item_id=item_id, actor_id=actor.id if actor else None,
                                action=action, version=version, before=before, after=after,
                                reverts_event_id=reverts))


def refuse(message: str, code: str = "move_not_allowed") -> None:
    db.session.rollback()
    raise ConflictError(message, code=code)


def _writable(episode: Episode) -> None:
    if episode.status is EpisodeStatus.ENDED:
        refuse("This episode has ended; its running order is closed.", "episode_ended")


def leave_air(item: RundownItem, now: datetime, state: ItemState) -> None:
    if item.started_at and item.ended_at is None:
        item.actual_seconds += max(0, int((now - item.started_at).total_seconds()))
        item.ended_at = now
    item.state = state


def apply_action(episode_id: int, item_id: int, action: str, expected: int | None, actor: User | None) -> Change:
    """Move one item as PRODUCT.md's table allows, with its side effects; 409 otherwise."""
    get_episode(episode_id)
    version = claim_version(episode_id, expected)
    episode = get_episode(episode_id)
    _writable(episode)
    items = items_of(episode_id)
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        db.session.rollback()
        raise NotFoundError("No such item in this episode's running order.")
    target = target_state(action, item.state)
    if target is None:
        refuse(f"An item that is {item.state.value} cannot be moved with '{action}'.")
    before, now = snapshot(items), utcnow()
    _vacate(items, item, target, now)
    db.session.flush()  # free the on-air / standby slot before this item takes it
    if item.state is ItemState.ON_AIR:
        leave_air(item, now, target)
    else:
        item.state = target
    if target is ItemState.ON_AIR:
        item.started_at, item.ended_at = now, None
        if item.case is not None:  # a follow-up block has no case of its own
            item.case.status = CaseStatus.AIRED
    log(episode_id, version, action, actor, before, snapshot(items), item.id)
    db.session.commit()
    return Change(episode_id, version)


def _vacate(items: list[RundownItem], item: RundownItem, target: ItemState, now: datetime) -> None:
    """The side effects: one on air and one on standby per episode."""
    for other in items:
        if other is item:
            continue
        if target is ItemState.ON_AIR and other.state is ItemState.ON_AIR:
            leave_air(other, now, ItemState.DONE)
        elif target is ItemState.STANDBY and other.state is ItemState.STANDBY:
            other.state = ItemState.QUEUED


def add_item(episode_id: int, case_id: int, planned_seconds: int | None, actor: User | None) -> tuple[RundownItem, Change]:
    """Append a case to the running order, queued."""
    episode = get_episode(episode_id)
    _writable(episode)
    case = db.session.get(Case, case_id)
    if case is None:
        raise InvalidError("No such case.", fields={"case_id": ["Unknown case."]})
    if db.session.scalar(select(RundownItem.id).where(RundownItem.episode_id == episode_id,
                                                      RundownItem.case_id == case_id)):
        raise ConflictError("This case is already in the running order.", code="duplicate_case")
    version = claim_version(episode_id, None)
    position = db.session.scalar(select(func.count(RundownItem.id)).where(RundownItem.episode_id == episode_id))
    item = RundownItem(episode_id=episode_id, case_id=case_id, position=position or 0,
                       planned_seconds=planned_seconds, state=ItemState.QUEUED)
    db.session.add(item)
    case = db.session.get(Case, case_id)
    if case.status is CaseStatus.POOL:
        case.status = CaseStatus.SCHEDULED
    db.session.flush()
    log(episode_id, version, "add", actor, {}, snapshot([item]), item.id)
    db.session.commit()
    return item, Change(episode_id, version)


def move_item(episode_id: int, item_id: int, position: int, expected: int | None, actor: User | None) -> Change:
    """Put an item at `position` (0 = first; past the end = last) and renumber the rest."""
    get_episode(episode_id)
    version = claim_version(episode_id, expected)
    _writable(get_episode(episode_id))
    items = items_of(episode_id)
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        db.session.rollback()
        raise NotFoundError("No such item in this episode's running order.")
    before = snapshot(items)
    items.remove(item)
    items.insert(min(position, len(items)), item)
    for index, each in enumerate(items):
        each.position = index
    log(episode_id, version, "move", actor, before, snapshot(items), item.id)
    db.session.commit()
    return Change(episode_id, version)


def remove_item(episode_id: int, item_id: int, expected: int | None, actor: User | None) -> Change:
    """Take a case (or a follow-up block) out of the running order — only one that has never been on air."""
    get_episode(episode_id)
    version = claim_version(episode_id, expected)
    items = items_of(episode_id)
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        db.session.rollback()
        raise NotFoundError("No such item in this episode's running order.")
    if item.started_at is not None or item.state in (ItemState.ON_AIR, ItemState.STANDBY):
        refuse("Only an item that has not been on air, and is not on standby, can be removed.")
    before = snapshot(items)
    if item.case is not None and item.case.status is CaseStatus.SCHEDULED:
        item.case.status = CaseStatus.POOL
    db.session.delete(item)
    items.remove(item)
    for index, each in enumerate(items):
        each.position = index
    log(episode_id, version, "remove", actor, before, snapshot(items), item_id)
    db.session.commit()
    return Change(episode_id, version)
