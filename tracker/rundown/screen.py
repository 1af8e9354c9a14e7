"""What the displays show beyond the running order: clear screen, and the lower-third graphic."""
from __future__ import annotations

from sqlalchemy import select

from ..errors import InvalidError
from ..extensions import db
from ..models import Commitment, User
from .service import Change, claim_version, get_episode, log

GRAPHIC_KINDS = ("case", "commitment", "none")


def set_screen_cleared(episode_id: int, cleared: bool, expected: int | None, actor: User | None) -> Change:
    """Clear screen (every display shows the neutral frame) or resume; the running order is untouched."""
    get_episode(episode_id)
    version = claim_version(episode_id, expected)
    episode = get_episode(episode_id)
    before = {"screen_cleared": episode.screen_cleared}
    episode.screen_cleared = cleared
    log(episode_id, version, "screen_clear" if cleared else "screen_resume", actor, before,
        {"screen_cleared": cleared})
    db.session.commit()
    return Change(episode_id, version)


def set_graphic(episode_id: int, kind: str, target_id: int | None, expected: int | None,
                actor: User | None) -> Change:
    """Choose what the lower third shows: the case on air, one commitment of this episode, or nothing."""
    if kind not in GRAPHIC_KINDS:
        raise InvalidError("Unknown graphic.", fields={"kind": [f"One of: {', '.join(GRAPHIC_KINDS)}."]})
    if kind == "commitment" and not _commitment_of(episode_id, target_id):
        raise InvalidError("No such commitment in this episode.", fields={"id": ["Unknown commitment."]})
    get_episode(episode_id)
    version = claim_version(episode_id, expected)
    episode = get_episode(episode_id)
    before = {"kind": episode.graphic_kind, "id": episode.graphic_id}
    # "case" always shows whatever is on air, so only a commitment needs an id.
    episode.graphic_kind, episode.graphic_id = kind, (target_id if kind == "commitment" else None)
    log(episode_id, version, "graphic", actor, before, {"kind": kind, "id": episode.graphic_id})
    db.session.commit()
    return Change(episode_id, version)


def _commitment_of(episode_id: int, commitment_id: int | None) -> bool:
    return commitment_id is not None and db.session.scalar(
        select(Commitment.id).where(Commitment.id == commitment_id, Commitment.episode_id == episode_id)) is not None
