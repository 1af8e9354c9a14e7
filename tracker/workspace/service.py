"""What the department workspace shows: its commitments, how many of each kind, its cases."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import SQLColumnExpression, func, select

from ..commitments import queries, rules
from ..errors import ForbiddenError, NotFoundError
from ..extensions import db
from ..models import Case, CaseDepartment, Commitment, CommitmentStatus, Episode, ExtensionRequest, ExtensionStatus
from ..reminders.service import Notification, notifications_for


@dataclass(frozen=True)
class DepartmentCase:
    case: Case
    is_lead: bool


@dataclass(frozen=True)
class CommitmentCounts:
    """The tiles at the top of the workspace; `by_status` has every status's value."""

    total: int = 0
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    extension_pending: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def own_commitment(user: Any, commitment_id: int) -> Commitment:
    """The commitment if it is the user's department's. Another department's answers exactly as a
    missing one does, so a page never tells that it exists."""
    try:
        return queries.get_visible(user, commitment_id)
    except ForbiddenError:
        raise NotFoundError("No such commitment.") from None


def readable_commitment(user: Any, commitment_id: int) -> Commitment:
    """As `own_commitment`, and also one the department is co-responsible for (配合), to read."""
    try:
        return queries.get_readable(user, commitment_id)
    except ForbiddenError:
        raise NotFoundError("No such commitment.") from None


def acting_commitment(user: Any, commitment_id: int) -> Commitment:
    """The commitment a form acts on: the department's own. One it is only co-responsible for
    answers 403, as the API does (it can read it, so hiding it would tell nothing); any other 404."""
    commitment = readable_commitment(user, commitment_id)
    return queries.ensure_visible(user, commitment)


def commitment_counts(department_id: int) -> CommitmentCounts:
    day = rules.today()
    mine = Commitment.department_id == department_id

    def count(*conditions: SQLColumnExpression[bool]) -> int:
        return db.session.scalar(select(func.count(Commitment.id)).where(mine, *conditions)) or 0

    by_status = {status.value: 0 for status in CommitmentStatus}
    by_status.update((status.value, n) for status, n in db.session.execute(
        select(Commitment.status, func.count(Commitment.id)).where(mine).group_by(Commitment.status)))
    waiting = Commitment.extension_requests.any(ExtensionRequest.status == ExtensionStatus.PENDING)
    return CommitmentCounts(
        total=sum(by_status.values()),
        open=sum(n for status, n in by_status.items() if CommitmentStatus(status) not in rules.CLOSED),
        overdue=count(queries.overdue_condition(day)),
        due_soon=count(queries.due_soon_condition(day)),
        extension_pending=count(waiting),
        by_status=by_status,
    )


def commitment_episodes(department_id: int) -> list[Episode]:
    """The episodes in which the department made commitments, the latest first (the filter's choices)."""
    query = (select(Episode).where(Episode.id.in_(
        select(Commitment.episode_id).where(Commitment.department_id == department_id)))
        .order_by(Episode.air_date.desc(), Episode.number.desc()))
    return list(db.session.scalars(query))


def case_count(department_id: int) -> int:
    """The department's cases, as lead or co-responsible."""
    query = select(func.count()).select_from(CaseDepartment).where(CaseDepartment.department_id == department_id)
    return db.session.scalar(query) or 0


def recent_cases(department_id: int, limit: int = 10) -> list[DepartmentCase]:
    """The department's newest cases first, each marked whether the department leads it."""
    query = (
        select(Case, CaseDepartment.position)
        .join(CaseDepartment, CaseDepartment.case_id == Case.id)
        .where(CaseDepartment.department_id == department_id)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return [DepartmentCase(case, position == 0) for case, position in db.session.execute(query)]


def latest_reminders(department_id: int, days: int = 7, limit: int = 10) -> list[Notification]:
    """The department's reminders of the last week up to today, each commitment once (its
    latest reminder), most recent first; not one verified or closed since: a reminder is
    right when it is read."""
    seen: set[int] = set()
    latest = []
    for notification in notifications_for(department_id, days=days):
        if notification.commitment.status in rules.CLOSED:
            continue
        if notification.commitment.id not in seen:
            seen.add(notification.commitment.id)
            latest.append(notification)
    return latest[:limit]
