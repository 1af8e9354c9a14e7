"""Responsible units: municipal bureaus, county governments, public-service companies."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from .. import search
from ..errors import ConflictError, InvalidError, NotFoundError
from ..extensions import db
from ..models import Department, DepartmentKind, User

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


def validate_code(code: str) -> str:
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise InvalidError("The department code is not valid.",
                           fields={"code": ["1–32 letters, digits, '-' or '_', starting with a letter or digit."]})
    return code


def validate_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidError("The department name is not valid.", fields={"name": ["1–100 characters."]})
    return name


def create_department(code: str, name: str, kind: DepartmentKind | str = DepartmentKind.MUNICIPAL) -> Department:
    code, name = validate_code(code), validate_name(name)
    if db.session.scalar(select(Department.id).where(Department.code == code)):
        raise ConflictError(f"A department with code {code} exists.", fields={"code": ["Already in use."]})
    if db.session.scalar(select(Department.id).where(Department.name == name)):
        raise ConflictError(f"A department named {name} exists.", fields={"name": ["Already in use."]})
    department = Department(code=code, name=name, kind=DepartmentKind(kind))
    db.session.add(department)
    db.session.commit()
    return department


def update_department(department: Department, changes: dict) -> Department:
    if "name" in changes:
        name = validate_name(changes["name"])
        clash = db.session.scalar(select(Department.id).where(Department.name == name, Department.id != department.id))
        if clash:
            raise ConflictError(f"A department named {name} exists.", fields={"name": ["Already in use."]})
        department.name = name
    if "kind" in changes:
        department.kind = DepartmentKind(changes["kind"])
    if "active" in changes:
        department.active = bool(changes["active"])
    db.session.commit()
    return department


def list_departments(include_inactive: bool = True) -> list[Department]:
    query = select(Department).order_by(Department.kind, Department.code)
    if not include_inactive:
        query = query.where(Department.active.is_(True))
    return list(db.session.scalars(query))


def get_by_code(code: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise NotFoundError(f"No department with code {code}.")
    return department


def get_department(department_id: int) -> Department:
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFoundError("No such department.")
    return department


def codes_to_departments(codes: list[str], field: str = "department_codes") -> list[Department]:
    """The departments for these codes, in the given order; 422 naming every unknown code."""
    found = {d.code: d for d in db.session.scalars(select(Department).where(Department.code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise InvalidError("Unknown department codes.", fields={field: [f"Unknown code: {c}" for c in unknown]})
    return [found[code] for code in codes]


DIRECTORY_SORTS = ("code", "name", "kind", "users")


def department_directory(*, kind: str | None = None, q: str | None = None, active: bool | None = None,
                         sort: str = "code", descending: bool = False) -> list[tuple[Department, int]]:
    """Departments matching the filters, each with its number of accounts, sorted (code breaks ties)."""
    user_counts = (select(User.department_id, func.count(User.id).label("user_count"))
                   .group_by(User.department_id).subquery())
    user_count = func.coalesce(user_counts.c.user_count, 0).label("user_count")
    query = select(Department, user_count).outerjoin(user_counts, user_counts.c.department_id == Department.id)
    if kind:
        query = query.where(Department.kind == DepartmentKind(kind))
    if active is not None:
        query = query.where(Department.active.is_(active))
    if q and q.strip():
        query = query.where(search.like_all((Department.code, Department.name), q))
    columns = {"code": Department.code, "name": Department.name, "kind": Department.kind, "users": user_count}
    order = columns.get(sort, Department.code)
    query = query.order_by(order.desc() if descending else order.asc(), Department.code)
    return [(department, count) for department, count in db.session.execute(query)]
