"""What the producer's start page shows: the case pool by status and the episodes ahead."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Case, CaseStatus, Episode, EpisodeStatus


def case_counts_by_status() -> dict[CaseStatus, int]:
    """How many cases are in each status, every status present (zero where there are none)."""
    rows = db.session.execute(select(Case.status, func.count(Case.id)).group_by(Case.status))
    counts = dict.fromkeys(CaseStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def upcoming_episodes(limit: int = 5) -> list[Episode]:
    """Episodes not yet ended, soonest first: the one on air now, then the planned ones."""
    query = (
        select(Episode)
        .where(Episode.status != EpisodeStatus.ENDED)
        .order_by(Episode.air_date, Episode.number)
        .limit(limit)
    )
    return list(db.session.scalars(query))
