"""What the displays show beyond the running order: the strap (preview and program), clear screen.

A strap is cued to preview first (the `?mode=preview` display shows it), then taken to program
(on air), then taken out — by hand, or by itself `auto_out_seconds` after it was taken.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..episodes.changes import Change, EpisodeChange, episode_change, get_episode, refuse, take_out_strap
from ..errors import InvalidError
from ..extensions import db
from ..models import Commitment, Episode, ItemState, RundownItem, User

GRAPHIC_KINDS = ("case", "commitment", "quote", "none")


def set_screen_cleared(episode_id: int, cleared: bool, expected: int | None, actor: User | None) -> Change:
    """Clear screen (every display shows the neutral frame) or resume; the running order is untouched."""
    with episode_change(episode_id, expected, actor, "screen_clear" if cleared else "screen_resume") as change:
        change.episode.screen_cleared = cleared
    return change.result


def set_graphic(episode_id: int, kind: str, target_id: int | None, expected: int | None, actor: User | None,
                auto_out_seconds: int | None = None) -> Change:
    """Put a strap straight on program: the case on air, a commitment of this episode, its
    verbatim quote — or take it out (`none`)."""
    target_id = checked_strap(episode_id, kind, target_id)
    with episode_change(episode_id, expected, actor, "graphic") as change:
        _to_program(change, kind, target_id, auto_out_seconds)
    return change.result


def cue_preview(episode_id: int, kind: str, target_id: int | None, expected: int | None,
                actor: User | None) -> Change:
    """Cue a strap to preview (not on air); `none` empties the preview."""
    target_id = checked_strap(episode_id, kind, target_id)
    with episode_change(episode_id, expected, actor, "graphic_preview") as change:
        episode = change.episode
        episode.preview_kind, episode.preview_id = (None, None) if kind == "none" else (kind, target_id)
    return change.result


def take_preview(episode_id: int, expected: int | None, actor: User | None,
                 auto_out_seconds: int | None = None) -> Change:
    """The strap on preview goes to program; the preview is empty after. 409 `nothing_cued`."""
    with episode_change(episode_id, expected, actor, "graphic_take") as change:
        episode = change.episode
        if episode.preview_kind is None:
            refuse("Nothing is cued on preview.", "nothing_cued")
        if not _still_showable(episode.preview_kind, episode.preview_id):
            refuse("The strap on preview can no longer be shown.", "nothing_cued")
        kind, target_id = episode.preview_kind, episode.preview_id
        episode.preview_kind = episode.preview_id = None
        _to_program(change, kind, target_id, auto_out_seconds)
    return change.result


def take_out(episode_id: int, expected: int | None, actor: User | None) -> Change:
    """The strap on program goes out. 409 `nothing_on_program`."""
    with episode_change(episode_id, expected, actor, "graphic_out") as change:
        if change.episode.graphic_kind == "none":
            refuse("No strap is on air.", "nothing_on_program")
        take_out_strap(change.episode)
    return change.result


class _AlreadyOut(Exception):
    """The strap left program (or was replaced) before its auto-out came."""


def expire_graphic(episode_id: int, at: datetime) -> Change | None:
    """Auto-out: if the strap on program was due out by `at`, take it out as a change of its own
    (no actor); None when there is nothing to do (already out, replaced, or not yet due)."""
    episode = db.session.get(Episode, episode_id)
    if episode is None or not _due(episode, at):
        db.session.rollback()
        return None
    try:
        with episode_change(episode_id, None, None, "graphic_auto_out") as change:
            if not _due(change.episode, at):
                raise _AlreadyOut
            take_out_strap(change.episode)
    except _AlreadyOut:
        return None
    return change.result


def _due(episode: Episode, at: datetime) -> bool:
    return episode.graphic_kind != "none" and episode.graphic_out_at is not None and episode.graphic_out_at <= at


def _to_program(change: EpisodeChange, kind: str, target_id: int | None, auto_out_seconds: int | None) -> None:
    episode = change.episode
    if kind == "none":
        take_out_strap(episode)
        return
    on_air = db.session.scalar(select(RundownItem.id).where(RundownItem.episode_id == episode.id,
                                                            RundownItem.state == ItemState.ON_AIR))
    episode.graphic_kind, episode.graphic_id, episode.graphic_item_id = kind, target_id, on_air
    episode.graphic_taken_at = change.now
    episode.graphic_out_at = change.now + timedelta(seconds=auto_out_seconds) if auto_out_seconds else None
    change.out_at = episode.graphic_out_at


def checked_strap(episode_id: int, kind: str, target_id: int | None) -> int | None:
    """The strap's id (None but for a commitment or a quote); 422 for one that cannot be shown."""
    get_episode(episode_id)
    if kind not in GRAPHIC_KINDS:
        raise InvalidError("Unknown graphic.", fields={"kind": [f"One of: {', '.join(GRAPHIC_KINDS)}."]})
    if kind not in ("commitment", "quote"):
        return None
    commitment = db.session.get(Commitment, target_id) if target_id is not None else None
    if commitment is None or commitment.episode_id != episode_id or commitment.withdrawn_at is not None:
        raise InvalidError("No such commitment in this episode.", fields={"id": ["Unknown commitment."]})
    if kind == "quote" and not commitment.quote.strip():
        raise InvalidError("This commitment has no verbatim quote.", fields={"id": ["No quote was recorded."]})
    return commitment.id


def _still_showable(kind: str, target_id: int | None) -> bool:
    if kind not in ("commitment", "quote"):
        return True
    commitment = db.session.get(Commitment, target_id)
    return commitment is not None and commitment.withdrawn_at is None and (kind != "quote" or bool(commitment.quote))
