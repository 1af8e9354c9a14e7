"""The audience's verdicts kept for good: the final tally of each case's vote, for the public
pages, the public API, the exports and the league table.

A case's verdict in an episode is its latest closed poll there (a poll whose opening was undone
never counts). In the league table a verdict counts for the case's lead department: the
audience judges the answer given on air, which the lead department gives.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import g
from sqlalchemy import ColumnElement, and_, func, select

from ..commitments import rules
from ..extensions import db
from ..models import CaseDepartment, Poll
from .present import percentages

CONTENT = ("satisfied", "basically_satisfied")


@dataclass(frozen=True)
class Verdict:
    poll_id: int
    case_id: int
    item_id: int
    counts: dict[str, int]
    closed_at: datetime

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percentages(self) -> dict[str, int]:
        return percentages(self.counts)

    @property
    def satisfaction(self) -> float | None:
        """Satisfied or basically satisfied, out of every ballot; None without a ballot."""
        return round(sum(self.counts[c] for c in CONTENT) / self.total, 4) if self.total else None

    def as_dict(self) -> dict:
        return {"poll_id": self.poll_id, "counts": self.counts, "percentages": self.percentages,
                "total": self.total, "satisfaction": self.satisfaction, "closed_at": self.closed_at.isoformat()}


def _kept():
    return and_(Poll.cancelled.is_(False), Poll.closed_at.is_not(None), Poll.final_satisfied.is_not(None))


def verdicts_of_episode(episode_id: int) -> dict[int, Verdict]:
    """Case id → its verdict in this episode (read once per request and episode)."""
    cached = g.setdefault("tracker_verdicts", {})
    if episode_id not in cached:
        polls = db.session.scalars(select(Poll).where(Poll.episode_id == episode_id, _kept()).order_by(Poll.id))
        cached[episode_id] = {poll.case_id: _verdict(poll) for poll in polls}  # the latest wins
    return cached[episode_id]


def verdicts_for(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Verdict]:
    """(episode id, case id) → that case's verdict in that episode, for every pair that has one:
    a page of commitments' verdicts in one query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    polls = db.session.scalars(select(Poll).where(
        Poll.episode_id.in_({episode for episode, _case in wanted}),
        Poll.case_id.in_({case for _episode, case in wanted}), _kept()).order_by(Poll.id))
    found = {(poll.episode_id, poll.case_id): _verdict(poll) for poll in polls}  # the latest wins
    return {pair: found[pair] for pair in wanted if pair in found}


def verdict(episode_id: int, case_id: int) -> Verdict | None:
    return verdicts_of_episode(episode_id).get(case_id)


def _verdict(poll: Poll) -> Verdict:
    if poll.closed_at is None:
        raise ValueError("An open poll has no verdict yet.")
    return Verdict(poll.id, poll.case_id, poll.item_id, poll.final_counts or {}, poll.closed_at)


def audience_by_department(since: date | None = None, until: date | None = None) -> dict[int, tuple[int, int]]:
    """Lead department id → (satisfied or basically satisfied, all ballots) over its cases'
    verdicts closed in the period (Asia/Shanghai days)."""
    latest = (select(func.max(Poll.id)).where(_kept()).group_by(Poll.episode_id, Poll.case_id))
    conditions: list[ColumnElement[bool]] = [Poll.id.in_(latest)]
    if since:
        conditions.append(Poll.closed_at >= datetime.combine(since, datetime.min.time(), rules.SHANGHAI))
    if until:
        conditions.append(Poll.closed_at < datetime.combine(until, datetime.max.time(), rules.SHANGHAI))
    rows = db.session.execute(
        select(CaseDepartment.department_id, func.sum(Poll.final_satisfied + Poll.final_basically_satisfied),
               func.sum(Poll.final_satisfied + Poll.final_basically_satisfied + Poll.final_unsatisfied))
        .join(CaseDepartment, and_(CaseDepartment.case_id == Poll.case_id, CaseDepartment.position == 0))
        .where(*conditions).group_by(CaseDepartment.department_id))
    return {department_id: (int(content or 0), int(total or 0)) for department_id, content, total in rows}
