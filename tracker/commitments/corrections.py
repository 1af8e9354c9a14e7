"""Correcting a commitment as it was recorded on air (a typo in a name, a wrong deadline).

The producer corrects until the episode ends, a supervisor afterwards. The correction is an
on-air change of the episode (the state and any strap showing the commitment update at once)
and a `corrected` event in the commitment's timeline, with the values before and after; what
was recorded first stays in the timeline's `committed` event.
"""
from __future__ import annotations

from datetime import date

from ..episodes.changes import Change, episode_change, get_episode
from ..errors import ForbiddenError, InvalidError, NotFoundError
from ..extensions import db
from ..models import Commitment, CommitmentEvent, EpisodeStatus, Role, User
from .vague import vague_reason

FIELDS = ("official_name", "official_title", "content", "deadline", "quote")


def correct(commitment_id: int, data: dict, actor: User) -> tuple[Commitment, Change]:
    """Apply the given fields; 403 for the wrong role at this point of the show, 422 for none."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFoundError("No such commitment.")
    episode = get_episode(commitment.episode_id)
    allowed = Role.SUPERVISOR if episode.status is EpisodeStatus.ENDED else Role.PRODUCER
    if actor.role is not allowed:
        raise ForbiddenError("Until its episode ends the producer corrects a commitment; a supervisor after.")
    wanted = {name: data[name] for name in FIELDS if name in data}
    if not wanted:
        raise InvalidError("Nothing to correct.", fields={"content": ["Give at least one field to correct."]})
    with episode_change(episode.id, None, actor, "commitment_correct", after_end=True) as change:
        commitment = db.session.get(Commitment, commitment_id)
        before = {name: _shown(getattr(commitment, name)) for name in wanted}
        for name, value in wanted.items():
            _apply(commitment, name, value)
        after = {name: _shown(getattr(commitment, name)) for name in wanted}
        db.session.add(CommitmentEvent(commitment_id=commitment.id, actor_id=actor.id, action="corrected",
                                       before=before, after=after))
        change.log({"commitment_id": commitment.id, **before}, {"commitment_id": commitment.id, **after})
    return commitment, change.result


def _apply(commitment: Commitment, name: str, value: str | date | None) -> None:
    if name == "deadline":
        if commitment.deadline == commitment.original_deadline:  # no extension moved it since
            commitment.deadline = value
        commitment.original_deadline = value  # the deadline said on air, as it was said
        return
    text = (value or "").strip()
    if name != "quote" and not text:
        raise InvalidError("Some fields are missing or invalid.", fields={name: ["Required; may not be blank."]})
    setattr(commitment, name, text)
    if name == "content":
        commitment.vague_reason = vague_reason(text)[:200]


def _shown(value: str | date) -> str:
    return value.isoformat() if isinstance(value, date) else value
