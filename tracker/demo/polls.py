"""The studio audience's verdicts on the demo's past broadcasts (closed votes with their tallies)."""
from __future__ import annotations

import zlib
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Episode, ItemKind, ItemState, Poll, RundownItem
from .live import start_of


def ensure_verdicts(episodes: list[tuple[Episode, dict]]) -> None:
    """A closed vote for every case done on air in a past broadcast that has none: fixed counts,
    the same on every run, some content and some not."""
    for episode, plan in episodes:
        if plan["week"] >= 0:
            continue
        items = db.session.scalars(select(RundownItem).where(
            RundownItem.episode_id == episode.id, RundownItem.kind == ItemKind.CASE,
            RundownItem.state == ItemState.DONE, RundownItem.case_id.is_not(None)))
        for item in items:
            if db.session.scalar(select(Poll.id).where(Poll.item_id == item.id).limit(1)):
                continue
            seed = zlib.crc32(f"{episode.number}:{item.case_id}".encode())
            opened = (item.started_at or start_of(episode)) + timedelta(minutes=6)
            db.session.add(Poll(episode_id=episode.id, item_id=item.id, case_id=item.case_id, opened_at=opened,
                                closed_at=opened + timedelta(seconds=60), closes_at=opened + timedelta(seconds=60),
                                final_satisfied=40 + seed % 90, final_basically_satisfied=30 + seed // 7 % 60,
                                final_unsatisfied=10 + seed // 11 % 110))
