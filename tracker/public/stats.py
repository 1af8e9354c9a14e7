"""The departments' record for the public: the league table behind `GET /api/v1/public/stats`.

Definitions (the same words are under the table on the public pages):
- total: commitments made on air in the period (by the day they were made).
- verified: of those, verified by a supervisor.
- on_time_rate: verified with the completion claimed by the deadline in force (Asia/Shanghai
  calendar day), out of those whose outcome is due — verified, closed as unfulfilled, or open
  past the deadline; null when none is due yet.
- median_days_to_verification: calendar days from the broadcast to verification, the median
  over the verified ones; null when none is verified.
- overdue: open now and past the deadline.
- satisfaction_rate: verified with the citizen "satisfied" or "basically satisfied" at the
  call-back, out of the verified ones with a recorded answer; null when there is none.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ..commitments import rules
from ..extensions import db
from ..models import Commitment, CommitmentStatus, Department, Satisfaction

CONTENT = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


@dataclass
class DepartmentRecord:
    code: str
    name: str
    total: int = 0
    verified: int = 0
    overdue: int = 0
    closed_unfulfilled: int = 0
    _due: int = 0
    _on_time: int = 0
    _answered: int = 0
    _content: int = 0
    _days: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "total": self.total, "verified": self.verified,
            "on_time_rate": _rate(self._on_time, self._due), "overdue": self.overdue,
            "closed_unfulfilled": self.closed_unfulfilled,
            "median_days_to_verification": statistics.median(self._days) if self._days else None,
            "satisfaction": _rate(self._content, self._answered),
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _shanghai_day(moment: datetime | None) -> date | None:
    return moment.astimezone(rules.SHANGHAI).date() if moment else None


def league_table(since: date | None = None, until: date | None = None) -> list[dict]:
    """Every department with commitments in the period, most commitments first."""
    return [r.as_dict() for r in department_records(since, until)]


def department_records(since: date | None = None, until: date | None = None,
                       department_id: int | None = None) -> list[DepartmentRecord]:
    """`league_table`'s rows before they become dicts (one department's only, if given)."""
    today = rules.today()
    query = (select(Commitment.department_id, Commitment.status, Commitment.deadline, Commitment.satisfaction,
                    Commitment.claimed_done_at, Commitment.closed_at, Commitment.created_at))
    if since:
        query = query.where(Commitment.created_at >= datetime.combine(since, datetime.min.time(), rules.SHANGHAI))
    if until:
        query = query.where(Commitment.created_at < datetime.combine(until, datetime.max.time(), rules.SHANGHAI))
    if department_id is not None:
        query = query.where(Commitment.department_id == department_id)
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    records: dict[int, DepartmentRecord] = {}
    for department_id, status, deadline, satisfaction, claimed_at, closed_at, created_at in db.session.execute(query):
        department = departments[department_id]
        record = records.setdefault(department_id, DepartmentRecord(department.code, department.name))
        _count(record, status, deadline, satisfaction, claimed_at, closed_at, created_at, today)
    return sorted(records.values(), key=lambda r: (-r.total, r.code))


def combined(records: list[DepartmentRecord]) -> dict:
    """The whole program's figures, by the same definitions: the rows added together."""
    whole = DepartmentRecord("", "")
    for record in records:
        for name in ("total", "verified", "overdue", "closed_unfulfilled", "_due", "_on_time", "_answered",
                     "_content"):
            setattr(whole, name, getattr(whole, name) + getattr(record, name))
        whole._days.extend(record._days)
    return whole.as_dict()


def _count(record: DepartmentRecord, status: CommitmentStatus, deadline: date, satisfaction: Satisfaction | None,
           claimed_at: datetime | None, closed_at: datetime | None, created_at: datetime, today: date) -> None:
    record.total += 1
    if status is CommitmentStatus.VERIFIED:
        record.verified += 1
        record._due += 1
        claimed = _shanghai_day(claimed_at or closed_at)
        record._on_time += int(claimed is not None and claimed <= deadline)
        if closed_at:
            record._days.append((_shanghai_day(closed_at) - _shanghai_day(created_at)).days)
        if satisfaction is not None:
            record._answered += 1
            record._content += int(satisfaction in CONTENT)
    elif status is CommitmentStatus.CLOSED_UNFULFILLED:
        record.closed_unfulfilled += 1
        record._due += 1
    elif rules.is_overdue(deadline, status, today):
        record.overdue += 1
        record._due += 1
