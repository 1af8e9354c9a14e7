"""The demo's assignment letters: one per department for every past show, issued the next morning.

Issued through the letters service, which writes only the letters still missing, so loading
twice adds nothing.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..letters.service import add_letters
from ..models import Episode, EpisodeStatus, User

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUED_AT = time(10, 0)


def ensure_letters(episodes: list[tuple[Episode, dict]], supervisor: User) -> None:
    for episode, _plan in sorted(episodes, key=lambda pair: pair[0].air_date):
        if episode.status is not EpisodeStatus.ENDED:
            continue
        day = episode.air_date + timedelta(days=1)
        add_letters(episode, supervisor, on=day, at=datetime.combine(day, ISSUED_AT, SHANGHAI))
