"""Episodes: plan, start, end."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from ..errors import ConflictError
from ..extensions import db
from ..models import Episode, EpisodeStatus, ItemState, RundownItem, User, utcnow
from ..rundown.service import Change, leave_air, claim_version, get_episode, items_of, log, snapshot


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


def update_episode(episode: Episode, changes: dict) -> Episode:
    if "number" in changes and changes["number"] != episode.number:
        if db.session.scalar(select(Episode.id).where(Episode.number == changes["number"])):
            raise ConflictError(f"Episode {changes['number']} exists.", fields={"number": ["Already in use."]})
    for field in ("number", "title", "air_date", "scheduled_start", "scheduled_end"):
        if field in changes:
            setattr(episode, field, changes[field])
    db.session.commit()
    return episode


def list_episodes(status: str | None = None) -> list[Episode]:
    query = select(Episode).order_by(Episode.air_date.desc(), Episode.number.desc())
    if status:
        query = query.where(Episode.status == EpisodeStatus(status))
    return list(db.session.scalars(query))


def start_episode(episode_id: int, actor: User | None) -> Change:
    """planned → live."""
    episode = get_episode(episode_id)
    if episode.status is not EpisodeStatus.PLANNED:
        raise ConflictError(f"Only a planned episode can start; this one is {episode.status.value}.",
                            code="episode_not_planned")
    version = claim_version(episode_id, None)
    episode = get_episode(episode_id)
    episode.status, episode.started_at = EpisodeStatus.LIVE, utcnow()
    log(episode_id, version, "start", actor, {"status": "planned"}, {"status": "live"})
    db.session.commit()
    return Change(episode_id, version)


def end_episode(episode_id: int, actor: User | None) -> Change:
    """live → ended; the item on air, if any, is done."""
    episode = get_episode(episode_id)
    if episode.status is not EpisodeStatus.LIVE:
        raise ConflictError(f"Only a live episode can end; this one is {episode.status.value}.",
                            code="episode_not_live")
    version = claim_version(episode_id, None)
    episode, now = get_episode(episode_id), utcnow()
    items = items_of(episode_id)
    before = snapshot(items)
    for item in items:
        if item.state is ItemState.ON_AIR:
            leave_air(item, now, ItemState.DONE)
    episode.status, episode.ended_at, episode.screen_cleared = EpisodeStatus.ENDED, now, False
    log(episode_id, version, "end", actor, before, snapshot(items))
    db.session.commit()
    return Change(episode_id, version)


def on_air_item(episode_id: int) -> RundownItem | None:
    return db.session.scalar(select(RundownItem).where(RundownItem.episode_id == episode_id,
                                                       RundownItem.state == ItemState.ON_AIR))
