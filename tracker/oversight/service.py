"""What the supervisor's desk shows: the queues of commitments waiting for a supervisor, and
which departments carry the cases.

A queue is a standing filter over the commitments (claimed done, extension pending …); the
desk narrows every queue by department and episode, and by urgency. Lists come most urgent
first — overdue, then by deadline — as `queries.list_commitments` orders them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from ..commitments import evidence, lifecycle, queries
from ..commitments.queries import CommitmentFilter
from ..errors import AppError
from ..extensions import db
from ..models import CaseDepartment, Commitment, Department, User

# Each queue and the commitments it holds.
QUEUES: dict[str, dict[str, Any]] = {
    "verify": {"status": "claimed_done"},
    "extensions": {"extension_pending": True},
    "unfulfillable": {"status": "claimed_unfulfillable"},
    "overdue": {"overdue": True},
    "due_soon": {"due_soon": True},
    "vague": {"vague": True},
}
URGENCIES = {"overdue": {"overdue": True}, "due_soon": {"due_soon": True}}


@dataclass(frozen=True)
class DeskFilter:
    """What the desk's lists are narrowed to, besides the queue; `None` means "any"."""

    department: str | None = None   # a department code
    episode: int | None = None      # an episode id
    urgency: str | None = None      # "overdue" or "due_soon"
    status: str | None = None       # only on the list of all commitments

    def wanted(self, **more: Any) -> CommitmentFilter:
        values = {"department": self.department, "episode": self.episode, "status": self.status,
                  **URGENCIES.get(self.urgency or "", {})}
        return CommitmentFilter(**{**values, **more})


def queue_page(user: Any, queue: str, scope: DeskFilter, page: int, per_page: int) -> tuple[list[Commitment], int]:
    """One page of a queue, most urgent first, and how many it holds under these filters."""
    return queries.list_commitments(user, scope.wanted(**QUEUES[queue]), page, per_page)


def queue_counts(user: Any, scope: DeskFilter) -> dict[str, int]:
    """How many commitments each queue holds under the department and episode filters."""
    scope = replace(scope, urgency=None, status=None)
    return {queue: queue_page(user, queue, scope, 1, 1)[1] for queue in QUEUES}


def all_page(user: Any, scope: DeskFilter, page: int, per_page: int) -> tuple[list[Commitment], int]:
    return queries.list_commitments(user, scope.wanted(), page, per_page)


def verify(commitment_id: int, actor: User, satisfaction: str, note: str,
           upload: FileStorage | None, public_reason: str = "") -> AppError | None:
    """Verify the claimed completion with the citizen's satisfaction, then keep `upload` (the
    site photo, the call-back record) as evidence. The verification stands even when the file is
    refused: the refusal is returned, for the page to say so."""
    lifecycle.perform(commitment_id, "verify", actor, {"satisfaction": satisfaction, "note": note,
                                                       "public_reason": public_reason})
    if upload is None or not upload.filename:
        return None
    try:
        evidence.add_evidence(commitment_id, actor, upload)
    except AppError as error:
        return error
    return None


@dataclass(frozen=True)
class DepartmentLoad:
    code: str
    name: str
    cases: int


def cases_by_lead_department(limit: int = 10) -> list[DepartmentLoad]:
    """The departments leading the most cases, most first (ties by name)."""
    count = func.count(CaseDepartment.case_id)
    query = (
        select(Department.code, Department.name, count)
        .join(CaseDepartment, CaseDepartment.department_id == Department.id)
        .where(CaseDepartment.position == 0)
        .group_by(Department.id, Department.code, Department.name)
        .order_by(count.desc(), Department.name)
        .limit(limit)
    )
    return [DepartmentLoad(code, name, n) for code, name, n in db.session.execute(query)]

