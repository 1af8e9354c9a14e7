"""What the episode pages read: the episodes with their running-order sizes, and the console's
first frame (the running order and the live state, as the JSON API and `/control` give them)."""
from __future__ import annotations

from sqlalchemy import func, select

from ..episodes.changes import get_episode, items_of
from ..episodes.service import list_episodes
from ..extensions import db
from ..live.state import build_state
from ..models import Episode, RundownItem
from ..rundown.schemas import RundownOut
from ..rundown.states import MOVES


def episodes_with_item_counts() -> list[tuple[Episode, int]]:
    """Every episode, newest first, with how many cases its running order holds."""
    counts = dict(db.session.execute(
        select(RundownItem.episode_id, func.count(RundownItem.id)).group_by(RundownItem.episode_id)).all())
    return [(episode, counts.get(episode.id, 0)) for episode in list_episodes()]


def allowed_actions() -> dict[str, list[str]]:
    """For each item state, the actions PRODUCT.md's table allows from it (the console's buttons)."""
    table: dict[str, list[str]] = {}
    for action, (sources, _target) in MOVES.items():
        for state in sources:
            table.setdefault(state.value, []).append(action)
    return table


def first_frame(episode_id: int) -> dict:
    """The console's opening data, read in one go so the running order and the state agree."""
    episode = get_episode(episode_id)
    state = build_state(episode_id)
    rundown = RundownOut().dump({"version": episode.version, "items": items_of(episode_id)})
    case_refs = {item["case"]["id"]: item["case"]["ref"] for item in rundown["items"]}
    return {"episode": episode, "rundown": rundown, "state": state, "case_refs": case_refs}
