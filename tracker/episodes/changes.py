"""The one door every change to what an episode shows passes through.

    with episode_change(episode_id, expected_version, actor, "take") as change:
        ...change the running order, the strap, the screen...
    publish(change.result)

The block claims the episode's version with a compare-and-set
`UPDATE episodes SET version = v + 1 WHERE id = ? AND version = v`: of several requests with
the same version exactly one matches; the others change nothing and get 409 (`stale_version`).
The claim also takes the episode row's write lock, so what the block reads next is the latest
committed state. An ended episode refuses every change (409 `episode_ended`) but those allowed
after the end. On leaving the block, a strap that belongs to an item no longer on air goes out,
what the episode showed before and after (the poll too) is appended to the log (`rundown_events`), and the
transaction commits. Any exception rolls everything back: a refused change changes nothing.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import selectinload

from ..errors import ConflictError, NotFoundError
from ..extensions import db
from ..models import (
    Case,
    CaseDepartment,
    Commitment,
    Episode,
    EpisodeStatus,
    ItemState,
    Poll,
    RundownEvent,
    RundownItem,
    User,
    utcnow,
)

# The parts of what an episode shows, as the log records them (see `on_air_snapshot`).
PARTS = ("items", "program", "preview", "screen", "poll")
STRAPS_OF_A_COMMITMENT = ("commitment", "quote")


class StaleVersion(ConflictError):
    """The request's version is not the episode's: someone else changed it first."""


@dataclass
class Change:
    """One committed change, for `realtime.publish` and for the answer."""

    episode_id: int
    version: int
    action: str
    item_id: int | None = None
    # For an undo: the event it reverted ({event_id, action, item_id}).
    undone: dict | None = None
    # A strap taken with auto-out: when it goes out by itself.
    out_at: datetime | None = None


@dataclass
class EpisodeChange:
    """The episode under its claimed version, while a change is being made."""

    episode: Episode
    version: int
    action: str
    actor: User | None
    now: datetime
    before: dict
    item_id: int | None = None
    reverts: int | None = None
    undone: dict | None = None
    out_at: datetime | None = None
    # Set by a block that logs something other than what the episode shows (a commitment).
    logged: tuple[dict, dict] | None = None
    # More about an item for the log's `after` (a follow-up block's heading and commitments).
    item_notes: dict[str, dict] = field(default_factory=dict)
    _result: Change | None = field(default=None, init=False, repr=False)

    @property
    def result(self) -> Change:
        """What changed, for the caller to publish: there once the block has committed."""
        if self._result is None:
            raise RuntimeError("The change is read before it has committed.")
        return self._result

    def items(self) -> list[RundownItem]:
        return items_of(self.episode.id)

    def item(self, item_id: int) -> RundownItem:
        """An item of this episode's running order, or 404."""
        item = next((i for i in self.items() if i.id == item_id), None)
        if item is None:
            raise NotFoundError("No such item in this episode's running order.")
        return item

    def log(self, before: dict, after: dict) -> None:
        self.logged = (before, after)


def now() -> datetime:
    """The clock every on-air change reads (tests replace `utcnow` here)."""
    return utcnow()


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
    """Compare-and-set the episode's version; the new version, or StaleVersion (404 if no episode).

    Without an expected version the current one is read and claimed, which still refuses
    a change that slips in between.
    """
    if expected is None:
        expected = db.session.scalar(select(Episode.version).where(Episode.id == episode_id))
        if expected is None:
            raise NotFoundError("No such episode.")
    result = cast(CursorResult[Any], db.session.execute(  # an UPDATE answers a CursorResult
        update(Episode).where(Episode.id == episode_id, Episode.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        db.session.rollback()
        get_episode(episode_id)  # 404 rather than 409 for an episode that does not exist
        raise StaleVersion("The running order has changed since you loaded it.", code="stale_version")
    # Everything read before the claim may be stale: read again under the lock.
    db.session.expire_all()
    return expected + 1


def refuse(message: str, code: str = "move_not_allowed") -> NoReturn:
    raise ConflictError(message, code=code)


@contextmanager
def episode_change(episode_id: int, expected: int | None, actor: User | None, action: str, *,
                   after_end: bool = False) -> Iterator[EpisodeChange]:
    """Claim the episode's version for `action`, let the block change it, log, commit.

    `after_end`: the action is allowed once the episode has ended (a correction, or the
    start/end moves that check the status themselves).
    """
    try:
        get_episode(episode_id)
        version = claim_version(episode_id, expected)
        episode = get_episode(episode_id)
        if episode.status is EpisodeStatus.ENDED and not after_end:
            refuse("This episode has ended; what it shows can no longer change.", "episode_ended")
        change = EpisodeChange(episode, version, action, actor, now(),
                               on_air_snapshot(episode, items_of(episode_id)))
        yield change
        db.session.flush()
        items = items_of(episode_id)
        settle_strap(episode, items)
        before, after = change.logged or (change.before, on_air_snapshot(episode, items))
        for key, notes in change.item_notes.items():
            after["items"][key].update(notes)
        db.session.add(RundownEvent(episode_id=episode_id, item_id=change.item_id, action=action,
                                    actor_id=actor.id if actor else None, version=version,
                                    before=before, after=after, reverts_event_id=change.reverts))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    change._result = Change(episode_id, version, action, change.item_id, change.undone, change.out_at)


def on_air_snapshot(episode: Episode, items: list[RundownItem]) -> dict:
    """What the episode shows, part by part: the running order, the strap on program, the
    strap on preview, the screen. The log keeps one before and one after each change."""
    return {
        "items": {str(item.id): {"state": item.state.value, "position": item.position,
                                 "started_at": _iso(item.started_at), "ended_at": _iso(item.ended_at),
                                 "actual_seconds": item.actual_seconds} for item in items},
        "program": {"kind": episode.graphic_kind, "id": episode.graphic_id, "item_id": episode.graphic_item_id,
                    "taken_at": _iso(episode.graphic_taken_at), "out_at": _iso(episode.graphic_out_at)},
        "preview": ({"kind": episode.preview_kind, "id": episode.preview_id} if episode.preview_kind else None),
        "screen": {"cleared": episode.screen_cleared},
        "poll": poll_part(episode.id),
    }


def poll_part(episode_id: int) -> dict | None:
    """The episode's latest poll not undone, as the log keeps it (with its final tally once closed)."""
    poll = db.session.scalar(select(Poll).where(Poll.episode_id == episode_id, Poll.cancelled.is_(False))
                             .order_by(Poll.id.desc()).limit(1))
    if poll is None:
        return None
    return {"id": poll.id, "item_id": poll.item_id, "open": poll.closed_at is None,
            "closes_at": _iso(poll.closes_at), "final": poll.final_counts}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def leave_air(item: RundownItem, moment: datetime, state: ItemState) -> None:
    """The item leaves air: the seconds of this stint are added to its actual seconds."""
    if item.state is ItemState.ON_AIR and item.started_at and item.ended_at is None:
        item.actual_seconds += max(0, int((moment - item.started_at).total_seconds()))
        item.ended_at = moment
    item.state = state


def go_on_air(item: RundownItem, moment: datetime) -> None:
    """A new stint on air starts now; the seconds of earlier stints are kept."""
    item.state, item.started_at, item.ended_at = ItemState.ON_AIR, moment, None


def take_out_strap(episode: Episode) -> None:
    episode.graphic_kind, episode.graphic_id, episode.graphic_item_id = "none", None, None
    episode.graphic_taken_at = episode.graphic_out_at = None


def settle_strap(episode: Episode, items: list[RundownItem]) -> None:
    """A strap on program belongs to the item on air: when another item is on air (or none),
    it goes out — unless it is a commitment (or its quote) of the case now on air, which it
    then follows."""
    if episode.graphic_kind == "none":
        return
    on_air = next((item for item in items if item.state is ItemState.ON_AIR), None)
    if on_air is not None and episode.graphic_item_id == on_air.id:
        return
    if on_air is not None and on_air.case_id is not None and episode.graphic_kind in STRAPS_OF_A_COMMITMENT:
        case_id = db.session.scalar(select(Commitment.case_id).where(Commitment.id == episode.graphic_id))
        if case_id == on_air.case_id:
            episode.graphic_item_id = on_air.id
            return
    if episode.graphic_item_id is None and on_air is None:
        return  # a strap put up with nothing on air stays until something goes on air
    take_out_strap(episode)
