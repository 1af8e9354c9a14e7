"""The departments' record for the public: the league table behind `GET /api/v1/public/stats`.

Definitions (the same words are under the table on the public pages):
- total: commitments made on air in the period (by the day they were made).
- verified: of those, verified by a supervisor.
- on_time_rate: verified with the completion claimed by the deadline said on air (Asia/Shanghai
  calendar day; the claim the supervisor verified), out of those whose outcome is due — verified,
  closed as unfulfilled, or still open past the deadline said on air; null when none is due yet.
  An approved extension moves the deadline in force, never this one: a result after the
  deadline said on air is not on time, however the deadline was extended.
- met_after_extension: verified with the completion claimed after the deadline said on air but
  by the deadline in force, which an approved extension moved (延期后兑现); not on time.
- closed_unfulfilled: closed by a supervisor as unfulfilled (以未兑现办结).
- median_days_to_verification: calendar days from the broadcast to verification, the median
  over the verified ones; null when none is verified.
- overdue: open now and past the deadline.
- satisfaction_rate: verified with the citizen "satisfied" or "basically satisfied" at the
  call-back, out of the verified ones with a recorded answer; null when there is none.
- audience_satisfaction: the studio audience's votes "satisfied" or "basically satisfied", out
  of every vote, over the verdicts (polls/results.py) on the cases the department leads, closed
  in the period; null when there is none.

Counted in SQL (one GROUP BY department for the counts, one for the days to verification as a
histogram, so that the median is exact on both databases), and kept in `cache` until the data
changes or the day turns.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, SQLColumnExpression, and_, case, cast, func, select

from ..commitments import rules
from ..extensions import db
from ..models import Commitment, CommitmentStatus, Department, Satisfaction
from ..polls.results import audience_by_department
from . import cache

CONTENT = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


@dataclass
class DepartmentRecord:
    code: str
    name: str
    total: int = 0
    verified: int = 0
    overdue: int = 0
    closed_unfulfilled: int = 0
    met_after_extension: int = 0
    _due: int = 0
    _on_time: int = 0
    _answered: int = 0
    _content: int = 0
    _days: Counter = field(default_factory=Counter)   # days to verification → how many took that long
    department_id: int | None = None
    _audience_content: int = 0
    _audience_votes: int = 0

    def as_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "total": self.total, "verified": self.verified,
            "on_time_rate": _rate(self._on_time, self._due), "overdue": self.overdue,
            "closed_unfulfilled": self.closed_unfulfilled, "met_after_extension": self.met_after_extension,
            "median_days_to_verification": _median(self._days),
            "satisfaction": _rate(self._content, self._answered),
            "audience_satisfaction": _rate(self._audience_content, self._audience_votes),
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(histogram: Counter) -> float | int | None:
    """The median of the values counted, as `statistics.median` gives it."""
    count = sum(histogram.values())
    if not count:
        return None
    wanted, seen = ((count - 1) // 2, count // 2), 0
    found: list[Any] = []
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
    return found[0] if count % 2 else (found[0] + found[1]) / 2


def league_table(since: date | None = None, until: date | None = None) -> list[dict]:
    """Every department with commitments in the period, most commitments first."""
    return [r.as_dict() for r in department_records(since, until)]


def department_records(since: date | None = None, until: date | None = None,
                       department_id: int | None = None) -> list[DepartmentRecord]:
    """`league_table`'s rows before they become dicts (one department's only, if given)."""
    records = cache.remembered("league", _counted, since, until)
    if department_id is None:
        return records
    return [r for r in records if r.department_id == department_id]


def combined(records: list[DepartmentRecord]) -> dict:
    """The whole program's figures, by the same definitions: the rows added together."""
    whole = DepartmentRecord("", "")
    for record in records:
        for name in ("total", "verified", "overdue", "closed_unfulfilled", "met_after_extension", "_due", "_on_time",
                     "_answered", "_content", "_audience_content", "_audience_votes"):
            setattr(whole, name, getattr(whole, name) + getattr(record, name))
        whole._days.update(record._days)
    return whole.as_dict()


def _counted(since: date | None, until: date | None) -> list[DepartmentRecord]:
    period = _period(since, until)
    verified = Commitment.status == CommitmentStatus.VERIFIED
    completed = _shanghai_day(func.coalesce(Commitment.claimed_done_at, Commitment.closed_at))
    on_time = completed <= Commitment.original_deadline
    after_extension = and_(completed > Commitment.original_deadline, completed <= Commitment.deadline)
    still_open = Commitment.status.not_in(rules.CLOSED)
    overdue = and_(still_open, Commitment.deadline < rules.today())
    # Due: its outcome against the deadline said on air is known (an extension does not defer it).
    open_past_on_air = and_(still_open, Commitment.original_deadline < rules.today())
    counts = (select(Commitment.department_id, func.count(Commitment.id), _how_many(verified),
                     _how_many(Commitment.status == CommitmentStatus.CLOSED_UNFULFILLED), _how_many(overdue),
                     _how_many(open_past_on_air), _how_many(and_(verified, on_time)),
                     _how_many(and_(verified, after_extension)),
                     _how_many(and_(verified, Commitment.satisfaction.is_not(None))),
                     _how_many(and_(verified, Commitment.satisfaction.in_(CONTENT))))
              .where(*period).group_by(Commitment.department_id))
    departments = dict(db.session.execute(select(Department.id, Department).where(
        Department.id.in_(select(Commitment.department_id).where(*period).distinct()))).all())
    records: dict[int, DepartmentRecord] = {}
    for (department_id, total, verified_, closed, overdue_, open_past, on_time_, extended, answered,
         content) in db.session.execute(counts):
        department = departments[department_id]
        records[department_id] = DepartmentRecord(
            department.code, department.name, total, verified_, overdue_, closed, met_after_extension=extended,
            _due=verified_ + closed + open_past, _on_time=on_time_, _answered=answered, _content=content,
            department_id=department_id)
    days = _days_between(Commitment.created_at, Commitment.closed_at)
    histogram = (select(Commitment.department_id, days, func.count(Commitment.id))
                 .where(verified, Commitment.closed_at.is_not(None), *period)
                 .group_by(Commitment.department_id, days))
    for department_id, length, count in db.session.execute(histogram):
        records[department_id]._days[int(length)] += count
    for department_id, (content, votes) in audience_by_department(since, until).items():
        if department_id in records:
            records[department_id]._audience_content, records[department_id]._audience_votes = content, votes
    return sorted(records.values(), key=lambda r: (-r.total, r.code))


def _how_many(condition: SQLColumnExpression[bool]) -> SQLColumnExpression[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _period(since: date | None, until: date | None) -> list:
    conditions = []
    if since:
        conditions.append(Commitment.created_at >= datetime.combine(since, datetime.min.time(), rules.SHANGHAI))
    if until:
        conditions.append(Commitment.created_at < datetime.combine(until, datetime.max.time(), rules.SHANGHAI))
    return conditions


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _shanghai_day(column: SQLColumnExpression[Any]) -> SQLColumnExpression[Any]:
    """The Asia/Shanghai calendar day of a moment stored as naive UTC, as the database's date."""
    if _postgresql():
        return cast(func.timezone("Asia/Shanghai", func.timezone("UTC", column)), Date)
    return func.date(column, "+8 hours")


def _days_between(start: SQLColumnExpression[Any], end: SQLColumnExpression[Any]) -> SQLColumnExpression[Any]:
    """Calendar days (Asia/Shanghai) from one moment to another."""
    if _postgresql():
        return _shanghai_day(end) - _shanghai_day(start)
    return cast(func.julianday(_shanghai_day(end)) - func.julianday(_shanghai_day(start)), Integer)
