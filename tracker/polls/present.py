"""A poll as the public, the displays and the vote page see it: public text and counts only."""
from __future__ import annotations

from datetime import datetime

from ..models import Choice, Poll
from . import service

CHOICES = tuple(choice.value for choice in Choice)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def percentages(counts: dict[str, int]) -> dict[str, int]:
    """Whole percentages that add up to 100 (largest remainder), all 0 before the first ballot."""
    total = sum(counts.values())
    if not total:
        return {choice: 0 for choice in CHOICES}
    exact = {choice: counts[choice] * 100 / total for choice in CHOICES}
    whole = {choice: int(value) for choice, value in exact.items()}
    by_remainder = sorted(CHOICES, key=lambda choice: (whole[choice] - exact[choice], CHOICES.index(choice)))
    for choice in by_remainder[:100 - sum(whole.values())]:
        whole[choice] += 1
    return whole


def tally_of(poll: Poll) -> dict:
    """Counts (the final ones once closed, else from the stored ballots), percentages, total."""
    counts = poll.final_counts if poll.closed_at is not None and poll.final_counts else service.counts(poll.id)
    return {"counts": counts, "percentages": percentages(counts), "total": sum(counts.values())}


def poll_view(poll: Poll) -> dict:
    """`state.poll`, the public `GET /polls/{id}` and the answers of open and close."""
    case = poll.case
    return {
        "id": poll.id, "episode_id": poll.episode_id, "item_id": poll.item_id,
        "case": {"id": case.id, "ref": case.ref, "title": case.public_title},
        "choices": list(CHOICES), "open": poll.closed_at is None,
        **tally_of(poll),
        "opened_at": _iso(poll.opened_at), "closes_at": _iso(poll.closes_at), "closed_at": _iso(poll.closed_at),
        "code_mode": poll.code_mode.value,
    }


def state_poll(episode_id: int) -> dict | None:
    """The episode's latest poll not undone (open, or closed with its final tally), or None."""
    poll = service.current_poll(episode_id)
    return poll_view(poll) if poll is not None else None


def tally_event(poll: Poll) -> dict:
    """The `tally` event: the live counts of one poll, between state versions."""
    return {"poll_id": poll.id, "episode_id": poll.episode_id, "item_id": poll.item_id,
            "open": poll.closed_at is None, **tally_of(poll)}
