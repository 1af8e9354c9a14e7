"""What a department user's start page shows: the cases their department answers for."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Case, CaseDepartment, CaseStatus


@dataclass(frozen=True)
class DepartmentCase:
    case: Case
    is_lead: bool


def case_counts(department_id: int) -> dict[CaseStatus, int]:
    """The department's cases (as lead or co-responsible) by status; every status present."""
    query = (
        select(Case.status, func.count(Case.id))
        .join(CaseDepartment, CaseDepartment.case_id == Case.id)
        .where(CaseDepartment.department_id == department_id)
        .group_by(Case.status)
    )
    counts = dict.fromkeys(CaseStatus, 0)
    counts.update({status: count for status, count in db.session.execute(query)})
    return counts


def lead_case_count(department_id: int) -> int:
    query = select(func.count()).select_from(CaseDepartment).where(
        CaseDepartment.department_id == department_id, CaseDepartment.position == 0)
    return db.session.scalar(query) or 0


def recent_cases(department_id: int, limit: int = 20) -> list[DepartmentCase]:
    """The department's newest cases first, each marked whether the department leads it."""
    query = (
        select(Case, CaseDepartment.position)
        .join(CaseDepartment, CaseDepartment.case_id == Case.id)
        .where(CaseDepartment.department_id == department_id)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return [DepartmentCase(case, position == 0) for case, position in db.session.execute(query)]
