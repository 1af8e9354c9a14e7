"""Episodes: plan, start, end."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from ..errors import ConflictError
from ..extensions import db
from ..models import Episode, EpisodeStatus, ItemState, User
from ..polls.service import close_with_episode
from .changes import Change, episode_change, leave_air, take_out_strap


def next_number() -> int:
    return (db.session.scalar(select(func.max(Episode.number))) or 0) + 1


def create_episode(title: str, air_date: date, number: int | None = None, scheduled_start: datetime | None = None,
                   scheduled_end: datetime | None = None) -> Episode:
    if number is not None and db.session.scalar(select(Episode.id).where(Episode.number == number)):
        raise ConflictError(f"Episode {number} exists.", fields={"number": ["Already in use."]})
    episode = Episode(number=number or next_number(), title=title.strip(), air_date=air_date,
                      scheduled_start=scheduled_start, scheduled_end=scheduled_end)
    db.session.add(episode)
    db.session.commit()
    return episode


def update_episode(episode: Episode, changes: dict, actor: User | None = None) -> tuple[Episode, Change]:
    """Edit the number, title, air date or schedule. The title and the schedule are part of the
    live `state` (the start frame's countdown, the console's back-timing), so an edit is an
    episode change like any other: a new version, logged, for the caller to publish."""
    if ("number" in changes and changes["number"] != episode.number
            and db.session.scalar(select(Episode.id).where(Episode.number == changes["number"]))):
        raise ConflictError(f"Episode {changes['number']} exists.", fields={"number": ["Already in use."]})
    with episode_change(episode.id, None, actor, "edit", after_end=True) as change:
        before = {field: _plain(getattr(change.episode, field)) for field in EDITABLE}
        for field in EDITABLE:
            if field in changes:
                setattr(change.episode, field, changes[field])
        change.log(before, {field: _plain(getattr(change.episode, field)) for field in EDITABLE})
    return change.episode, change.result


EDITABLE = ("number", "title", "air_date", "scheduled_start", "scheduled_end")


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def list_episodes(status: str | None = None) -> list[Episode]:
    query = select(Episode).order_by(Episode.air_date.desc(), Episode.number.desc())
    if status:
        query = query.where(Episode.status == EpisodeStatus(status))
    return list(db.session.scalars(query))


def start_episode(episode_id: int, actor: User | None) -> Change:
    """planned → live."""
    with episode_change(episode_id, None, actor, "start", after_end=True) as change:
        episode = change.episode
        if episode.status is not EpisodeStatus.PLANNED:
            raise ConflictError(f"Only a planned episode can start; this one is {episode.status.value}.",
                                code="episode_not_planned")
        episode.status, episode.started_at = EpisodeStatus.LIVE, change.now
        change.log({"status": "planned"}, {"status": "live"})
    return change.result


def end_episode(episode_id: int, actor: User | None) -> Change:
    """live → ended: the item on air is done, the one on standby back in the queue, no strap on
    program or preview, the screen not cleared, an open vote closed with its final tally.
    Nothing can be undone after."""
    with episode_change(episode_id, None, actor, "end", after_end=True) as change:
        episode = change.episode
        if episode.status is not EpisodeStatus.LIVE:
            raise ConflictError(f"Only a live episode can end; this one is {episode.status.value}.",
                                code="episode_not_live")
        for item in change.items():
            if item.state is ItemState.ON_AIR:
                leave_air(item, change.now, ItemState.DONE)
            elif item.state is ItemState.STANDBY:
                item.state = ItemState.QUEUED
        take_out_strap(episode)
        episode.preview_kind = episode.preview_id = None
        episode.status, episode.ended_at, episode.screen_cleared = EpisodeStatus.ENDED, change.now, False
        close_with_episode(change)
    return change.result
