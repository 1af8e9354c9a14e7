"""Builds test data through the same services the app uses."""
from __future__ import annotations

import itertools
from datetime import date

from tracker.auth import service as accounts
from tracker.departments import service as departments
from tracker.extensions import db
from tracker.models import Case, CaseDepartment, Department, Episode, Role, User

PASSWORD = "correct-horse-42"
_counter = itertools.count(1)


class Factory:
    def department(self, code: str | None = None, name: str | None = None, kind: str = "municipal") -> Department:
        n = next(_counter)
        return departments.create_department(code or f"D{n:03d}", name or f"测试部门{n}", kind)

    def user(self, role: str = "producer", *, department: Department | None = None, username: str | None = None,
             email: str | None = None, password: str = PASSWORD) -> User:
        if role == "department" and department is None:
            department = self.department()
        return accounts.create_user(username or f"{role}{next(_counter)}", password, role,
                                    department_code=department.code if department else None, email=email)

    def token(self, user: User) -> str:
        return accounts.issue_token(user)[1]

    def case(self, title: str = "某小区断头路十年未通", *, departments: list[Department] | None = None,
             complainant_name: str = "张秀兰", complainant_phone: str = "13900000001", **fields) -> Case:
        n = next(_counter)
        case = Case(ref=f"T-{n:05d}", ref_year=2026, ref_seq=100000 + n, title=title,
                    summary=fields.pop("summary", "居民反映道路问题"), complainant_name=complainant_name,
                    complainant_phone=complainant_phone, **fields)
        for position, department in enumerate(departments or [self.department()]):
            case.department_links.append(CaseDepartment(department=department, position=position))
        db.session.add(case)
        db.session.commit()
        return case

    def episode(self, number: int | None = None, title: str = "聚焦城市建设", air_date: date | None = None) -> Episode:
        episode = Episode(number=number or next(_counter), title=title, air_date=air_date or date(2026, 12, 4))
        db.session.add(episode)
        db.session.commit()
        return episode

    @staticmethod
    def role(name: str) -> Role:
        return Role(name)
