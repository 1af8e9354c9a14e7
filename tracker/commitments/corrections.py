"""Correcting a commitment as it was recorded on air (a typo in a name, a wrong deadline).

The producer corrects until the episode ends, a supervisor afterwards. The correction is an
on-air change of the episode (the state and any strap showing the commitment update at once)
and a `corrected` event in the commitment's timeline, with the values before and after; what
was recorded first stays in the timeline's `committed` event.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..episodes.changes import STRAPS_OF_A_COMMITMENT, Change, episode_change, get_episode, take_out_strap
from ..errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from ..extensions import db
from ..models import Commitment, CommitmentEvent, EpisodeStatus, Role, User
from ..models.commitments import INCLUDE_WITHDRAWN
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
        commitment = db.session.get_one(Commitment, commitment_id)
        before = {name: _shown(getattr(commitment, name)) for name in wanted}
        for name, value in wanted.items():
            _apply(commitment, name, value)
        after = {name: _shown(getattr(commitment, name)) for name in wanted}
        db.session.add(CommitmentEvent(commitment_id=commitment.id, actor_id=actor.id, action="corrected",
                                       before=before, after=after))
        change.log({"commitment_id": commitment.id, **before}, {"commitment_id": commitment.id, **after})
    return commitment, change.result


def _apply(commitment: Commitment, name: str, value: str | date | None) -> None:
    if isinstance(value, date):  # the deadline, the one field that is a day
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


def withdraw(commitment_id: int, reason: str, actor: User) -> Change:
    """A commitment recorded by mistake during the show goes: off the state and the screen at
    once, never public, kept in the internal timeline (a `withdrawn` event with the reason).
    The producer withdraws while the episode is live; 409 otherwise, or when already withdrawn."""
    commitment = _any(commitment_id)
    if commitment.withdrawn_at is not None:
        raise ConflictError("This commitment is already withdrawn.", code="already_withdrawn")
    text = (reason or "").strip()
    if not text:
        raise InvalidError("Some fields are missing or invalid.", fields={"reason": ["Required; may not be blank."]})
    if get_episode(commitment.episode_id).status is not EpisodeStatus.LIVE:
        raise ConflictError("A commitment is withdrawn while its episode is live.", code="episode_not_live")
    with episode_change(commitment.episode_id, None, actor, "commitment_withdraw") as change:
        commitment = _any(commitment_id)
        commitment.withdrawn_at = change.now
        episode = change.episode
        if episode.graphic_kind in STRAPS_OF_A_COMMITMENT and episode.graphic_id == commitment.id:
            take_out_strap(episode)
        if episode.preview_kind in STRAPS_OF_A_COMMITMENT and episode.preview_id == commitment.id:
            episode.preview_kind = episode.preview_id = None
        db.session.add(CommitmentEvent(commitment_id=commitment.id, actor_id=actor.id, action="withdrawn",
                                       before={"withdrawn": False}, after={"withdrawn": True}, note=text))
        change.log({"commitment_id": commitment.id, "withdrawn": False},
                   {"commitment_id": commitment.id, "withdrawn": True, "reason": text})
    return change.result


def _any(commitment_id: int) -> Commitment:
    commitment = db.session.scalar(select(Commitment).where(Commitment.id == commitment_id)
                                   .execution_options(**{INCLUDE_WITHDRAWN: True}))
    if commitment is None:
        raise NotFoundError("No such commitment.")
    return commitment
