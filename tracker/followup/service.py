"""The follow-up segment (回头看): blocks of earlier commitments in a coming episode's running order.

A supervisor (or the producer) picks overdue, unsatisfied or recently verified commitments and
adds them as one block to the running order. On air the block is moved like any case item —
take, standby, done, skip, hold, requeue, move, undo, remove — by rundown/service.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from ..commitments import rules
from ..episodes.changes import Change, episode_change, get_episode
from ..errors import InvalidError
from ..extensions import db
from ..models import (
    Commitment,
    CommitmentEvent,
    CommitmentStatus,
    Episode,
    EpisodeStatus,
    ItemKind,
    ItemState,
    RundownFollowup,
    RundownItem,
    Satisfaction,
    User,
)
from ..rundown.service import next_position

DEFAULT_TITLE = "回头看"
TITLE_MAX = 200
MOST_COMMITMENTS = 30
RECENT_DAYS = 30


def add_followup(episode_id: int, commitment_ids: list[int], title: str | None, planned_seconds: int | None,
                 actor: User | None) -> tuple[RundownItem, Change]:
    """Append a queued follow-up block with these commitments, in this order.

    422 (nothing changes) for no commitment, an unknown one, or one named twice; 409 for an
    episode that has ended.
    """
    get_episode(episode_id)
    ids = _checked_ids(commitment_ids)
    heading = (title or "").strip() or DEFAULT_TITLE
    if len(heading) > TITLE_MAX:
        raise InvalidError("Some fields are missing or invalid.",
                           fields={"title": [f"At most {TITLE_MAX} characters."]})
    with episode_change(episode_id, None, actor, "add") as change:
        item = RundownItem(episode_id=episode_id, kind=ItemKind.FOLLOWUP, case_id=None, title=heading,
                           position=next_position(episode_id), planned_seconds=planned_seconds,
                           state=ItemState.QUEUED)
        item.followups = [RundownFollowup(commitment_id=cid, position=index) for index, cid in enumerate(ids)]
        db.session.add(item)
        db.session.flush()
        change.item_id = item.id
        change.item_notes[str(item.id)] = {"kind": ItemKind.FOLLOWUP.value, "title": heading, "commitment_ids": ids}
    return item, change.result


def _checked_ids(commitment_ids: list[int] | None) -> list[int]:
    ids = list(commitment_ids or [])
    if not ids:
        raise InvalidError("Pick at least one commitment.",
                           fields={"commitment_ids": ["Pick at least one commitment."]})
    if len(ids) > MOST_COMMITMENTS:
        raise InvalidError("Too many commitments for one block.",
                           fields={"commitment_ids": [f"At most {MOST_COMMITMENTS}."]})
    doubles = sorted({cid for cid in ids if ids.count(cid) > 1})
    if doubles:
        raise InvalidError("A commitment is named twice.",
                           fields={"commitment_ids": [f"Named twice: {', '.join(map(str, doubles))}."]})
    known = set(db.session.scalars(select(Commitment.id).where(Commitment.id.in_(ids))))
    unknown = [cid for cid in ids if cid not in known]
    if unknown:
        raise InvalidError("No such commitment.",
                           fields={"commitment_ids": [f"Unknown: {', '.join(map(str, unknown))}."]})
    return ids


@dataclass
class Candidates:
    """What the oversight desk offers for a follow-up block, by why it is worth reporting back on."""

    overdue: list[Commitment]
    unsatisfied: list[Commitment]
    recently_verified: list[Commitment]


def candidates(on: date | None = None) -> Candidates:
    """Overdue; verified with an unsatisfied citizen, or sent back; verified in the last 30 days."""
    day = on or rules.today()
    loads = (selectinload(Commitment.department), selectinload(Commitment.case))
    overdue = select(Commitment).where(Commitment.deadline < day, Commitment.status.not_in(rules.CLOSED))
    sent_back = select(CommitmentEvent.commitment_id).where(CommitmentEvent.action == "reopened")
    unsatisfied = select(Commitment).where(or_(
        (Commitment.status == CommitmentStatus.VERIFIED) & (Commitment.satisfaction == Satisfaction.UNSATISFIED),
        Commitment.status.not_in(rules.CLOSED) & Commitment.id.in_(sent_back)))
    verified_since = select(CommitmentEvent.commitment_id).where(
        CommitmentEvent.action == "verified", CommitmentEvent.at >= _start_of(day - timedelta(days=RECENT_DAYS)))
    recent = select(Commitment).where(Commitment.status == CommitmentStatus.VERIFIED,
                                      Commitment.id.in_(verified_since))

    def run(query: Select[Commitment]) -> list[Commitment]:
        return list(db.session.scalars(query.options(*loads).order_by(Commitment.deadline, Commitment.id)))

    return Candidates(run(overdue), run(unsatisfied), run(recent))


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=rules.SHANGHAI)


def coming_episodes(on: date | None = None) -> list[Episode]:
    """Episodes a block can still go into: planned or live, airing today or later, soonest first."""
    day = on or rules.today()
    return list(db.session.scalars(
        select(Episode).where(Episode.status.in_((EpisodeStatus.PLANNED, EpisodeStatus.LIVE)), Episode.air_date >= day)
        .order_by(Episode.air_date, Episode.number)))


def episodes_showing(commitment_id: int) -> list[int]:
    """Planned or live episodes with this commitment in a follow-up block: their displays show its status."""
    return list(db.session.scalars(
        select(RundownItem.episode_id).distinct().join(RundownFollowup, RundownFollowup.item_id == RundownItem.id)
        .join(Episode, Episode.id == RundownItem.episode_id)
        .where(RundownFollowup.commitment_id == commitment_id,
               Episode.status.in_((EpisodeStatus.PLANNED, EpisodeStatus.LIVE)))))
