"""What the supervisor's desk shows: where the cases stand and which departments carry them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Case, CaseDepartment, Department


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


def total_cases() -> int:
    return db.session.scalar(select(func.count(Case.id))) or 0
