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


# The rows a database of the first release (schema 0001) held: migration tests upgrade them.
FIRST_RELEASE_ROWS = [
    "INSERT INTO departments (id, code, name, kind, active, created_at) VALUES (1, 'zjj', '市住建局', 'municipal', true, '2026-11-01 00:00:00')",
    "INSERT INTO cases (id, ref, ref_year, ref_seq, title, summary, location, category, source, status, complainant_name, "
    "complainant_phone, created_at, updated_at) VALUES (1, 'SY-2026-0001', 2026, 1, '小区停水', '三天没水', '茅箭区', '供水', "
    "'hotline', 'aired', '张三', '13800000000', '2026-11-01 00:00:00', '2026-11-01 00:00:00')",
    "INSERT INTO episodes (id, number, title, air_date, status, version, graphic_kind, screen_cleared, created_at) "
    "VALUES (1, 1, '第一期', '2026-11-05', 'ended', 3, 'none', false, '2026-11-01 00:00:00')",
    "INSERT INTO rundown_items (id, episode_id, case_id, position, state, actual_seconds, created_at) "
    "VALUES (1, 1, 1, 0, 'done', 480, '2026-11-05 12:00:00')",
    "INSERT INTO commitments (id, episode_id, case_id, department_id, official_name, official_title, content, "
    "quote, deadline, original_deadline, status, progress_percent, created_at, updated_at) VALUES (1, 1, 1, 1, "
    "'王建国', '副局长', '立即调查', '', '2026-12-01', '2026-12-01', 'committed', 0, '2026-11-05 12:00:00', "
    "'2026-11-05 12:00:00')",
]
