"""`tracker demo`: a believable city that loads once, logs in, and stays current."""
from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.commitments import rules
from tracker.demo import load_demo, next_friday
from tracker.demo.departments import ACCOUNTS, DEPARTMENTS
from tracker.extensions import db
from tracker.models import (
    ApiToken,
    Case,
    CaseDepartment,
    CaseStatus,
    Commitment,
    CommitmentEvent,
    CommitmentStatus,
    Department,
    DepartmentKind,
    Episode,
    EpisodeStatus,
    ExtensionRequest,
    ExtensionStatus,
    ItemKind,
    ReminderDigest,
    RundownItem,
    Satisfaction,
    User,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TABLES = (Department, User, ApiToken, Case, CaseDepartment, Episode)


def row_counts() -> dict[str, int]:
    return {table.__name__: db.session.scalar(select(func.count()).select_from(table)) for table in TABLES}


def shanghai(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def test_loading_twice_adds_nothing_and_answers_the_same(app):
    with app.app_context():
        first = load_demo()
        counts = row_counts()
        second = load_demo()
        assert row_counts() == counts
    assert first["created"] == {"departments": 120, "accounts": 8, "episodes": 4, "cases": 41}
    assert second["created"] == {"departments": 0, "accounts": 0, "episodes": 0, "cases": 0}
    assert {k: v for k, v in first.items() if k != "created"} == {k: v for k, v in second.items() if k != "created"}
    assert counts["Department"] == first["departments"] == 120
    assert counts["Case"] == first["cases"] and counts["Episode"] == first["episodes"] == 4


def test_the_city_has_about_120_units_and_exactly_ten_county_governments(app):
    with app.app_context():
        load_demo()
        units = list(db.session.scalars(select(Department)))
    assert 110 <= len(units) <= 130
    counties = sorted(unit.code for unit in units if unit.kind is DepartmentKind.COUNTY)
    assert counties == sorted(["MJQ", "ZWQ", "YYQ", "YXX", "ZSX", "ZXX", "FX", "DJKS", "WDS", "JKQ"])
    by_code = {unit.code: unit for unit in units}
    assert by_code["ZJJ"].name == "市住建局" and by_code["FX"].name == "房县人民政府"
    assert by_code["GDGS"].kind is DepartmentKind.ENTERPRISE and by_code["SWJT"].kind is DepartmentKind.ENTERPRISE
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", unit.code) for unit in units)


def test_the_demo_data_names_each_unit_once():
    codes = [code for code, _name, _kind in DEPARTMENTS]
    names = [name for _code, name, _kind in DEPARTMENTS]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)


def test_every_demo_account_logs_in_with_its_printed_password(app):
    with app.app_context():
        summary = load_demo()
    assert {role for _username, role, _password in summary["accounts"]} == {
        "admin", "producer", "supervisor", "department"}
    for username, role, password in summary["accounts"]:
        response = app.test_client().post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, (username, response.get_json())
        assert response.get_json()["user"]["role"] == role


def test_department_accounts_belong_to_their_departments_and_receive_reminders(app):
    with app.app_context():
        summary = load_demo()
        users = {user.username: user for user in db.session.scalars(select(User))}
        bound = {name: (user.department.code, user.email) for name, user in users.items() if user.department}
    assert bound["zjj"] == ("ZJJ", "zjj@demo.example")
    assert {code for code, _email in bound.values()} >= {"ZJJ", "GDGS", "SWJT", "FX", "CGJ"}
    assert all(email and email.endswith("@demo.example") for _code, email in bound.values())
    assert summary["account_departments"]["fx"] == "FX 房县人民政府"


def test_each_demo_department_account_has_aired_cases_to_answer_for(app):
    with app.app_context():
        load_demo()
        aired = select(Department.code).join(CaseDepartment).join(Case).where(Case.status == CaseStatus.AIRED)
        codes = set(db.session.scalars(aired))
    assert {account.department for account in ACCOUNTS if account.department} <= codes


def test_a_second_run_puts_edited_demo_accounts_back(app):
    with app.app_context():
        load_demo()
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        zjj = db.session.scalar(select(User).where(User.username == "zjj"))
        admin.password_hash, admin.active = "changed", False
        zjj.department, zjj.email = db.session.scalar(select(Department).where(Department.code == "FX")), "me@x.cn"
        db.session.commit()
        load_demo()
        assert zjj.department.code == "ZJJ"
        assert zjj.email == "me@x.cn"  # an address someone set on purpose is kept
    response = app.test_client().post("/api/v1/auth/login",
                                      json={"username": "admin", "password": "demo-admin-2026"})
    assert response.status_code == 200


def test_departments_that_already_exist_are_used_as_they_are(app, make):
    with app.app_context():
        make.department("ZJJ", "十堰市住房和城乡建设局")
        make.department("GD", "国网十堰供电公司", "enterprise")
        summary = load_demo()
        housing = db.session.scalars(select(Department.name).where(Department.code == "ZJJ")).all()
        power = db.session.scalars(select(Department.code).where(Department.name == "国网十堰供电公司")).all()
        gdgs = db.session.scalar(select(User).where(User.username == "gdgs")).department.code
    assert housing == ["十堰市住房和城乡建设局"] and power == ["GD"] and gdgs == "GD"
    assert summary["created"]["departments"] == 118


def test_three_weekly_episodes_have_aired_and_the_next_airs_next_friday(app):
    now = datetime.now(UTC)
    with app.app_context():
        load_demo()
        episodes = list(db.session.scalars(select(Episode).order_by(Episode.number)))
    *past, upcoming = episodes
    assert [episode.number for episode in episodes] == [201, 202, 203, 204]
    assert upcoming.status is EpisodeStatus.PLANNED and upcoming.started_at is None
    assert upcoming.air_date == next_friday(shanghai(now).date())
    assert upcoming.scheduled_start > now
    assert shanghai(upcoming.scheduled_start).strftime("%a %H:%M") == "Fri 19:30"
    assert shanghai(upcoming.scheduled_end).strftime("%a %H:%M") == "Fri 20:30"
    assert [episode.air_date.weekday() for episode in past] == [4, 4, 4]
    assert [b.air_date - a.air_date for a, b in itertools.pairwise(past)] == [timedelta(weeks=1)] * 2
    for episode in past:
        assert episode.status is EpisodeStatus.ENDED and episode.title
        assert episode.started_at == episode.scheduled_start < episode.ended_at == episode.scheduled_end < now


@pytest.mark.parametrize(("today", "friday"), [
    (date(2026, 11, 30), date(2026, 12, 4)),   # Monday
    (date(2026, 12, 3), date(2026, 12, 4)),    # Thursday
    (date(2026, 12, 4), date(2026, 12, 11)),   # a Friday: the next one
    (date(2026, 12, 5), date(2026, 12, 11)),   # Saturday
])
def test_next_friday(today, friday):
    assert next_friday(today) == friday


def test_cases_read_like_hotline_work_orders(app):
    with app.app_context():
        load_demo()
        cases = list(db.session.scalars(select(Case).order_by(Case.ref_year, Case.ref_seq)))
        departments = {case.id: [unit.code for unit in case.departments] for case in cases}
    assert 35 <= len(cases) <= 45
    statuses = [case.status for case in cases]
    assert statuses.count(CaseStatus.AIRED) == 15 and statuses.count(CaseStatus.SCHEDULED) == 5
    assert len({case.title for case in cases}) == len(cases)
    for case in cases:
        assert 1 <= len(departments[case.id]) <= 3
        assert re.fullmatch(r"1390000\d{4}", case.complainant_phone) and case.complainant_name
        assert 2 <= case.summary.count("。") <= 4 and case.location and case.category
        assert re.fullmatch(rf"SY-{case.ref_year}-\d{{4}}", case.ref)
        if case.source.value == "hotline":
            # The number a 12345 system issues starts with the day the call came in.
            assert case.work_order_no[:6] == shanghai(case.created_at).strftime("%y%m%d")
            assert re.fullmatch(r"\d{10}", case.work_order_no)
        else:
            assert case.work_order_no is None
    received = [case.created_at for case in cases]
    assert received == sorted(received)  # reference numbers follow the calendar
    assert len(set(received)) == len(received)


def test_dates_follow_the_day_the_demo_is_loaded(app):
    now = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shiyan
    with app.app_context():
        load_demo(now)
        air_dates = list(db.session.scalars(select(Episode.air_date).order_by(Episode.number)))
        cases = list(db.session.scalars(select(Case)))
    assert air_dates == [date(2026, 12, 11), date(2026, 12, 18), date(2026, 12, 25), date(2027, 1, 8)]
    assert all(case.created_at <= now for case in cases)
    assert all(case.ref_year == shanghai(case.created_at).year for case in cases)
    assert {case.ref_year for case in cases} == {2026, 2027}


def test_the_demo_command_prints_the_accounts(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for account in ACCOUNTS:
        row = next(line for line in lines if line.split()[1:2] == [account.username])
        assert row.split()[:3] == [account.role.value, account.username, account.password]
    assert "120 departments" in lines[-1] and "created now: 120 departments" in lines[-1]
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and again.output.splitlines()[-1].endswith("created now: nothing.")


def test_demo_has_commitments_in_every_state_and_a_prepared_running_order(app):
    from sqlalchemy import select as _select

    from tracker.commitments.rules import is_overdue
    from tracker.demo import load_demo as _load
    from tracker.extensions import db as _db
    from tracker.models import Commitment, CommitmentStatus, Episode, EpisodeStatus, ItemState, RundownItem

    with app.app_context():
        _load()
        _load()
        commitments = list(_db.session.scalars(_select(Commitment)))
        assert {c.status for c in commitments} == set(CommitmentStatus)
        assert any(is_overdue(c.deadline, c.status) for c in commitments)
        assert all(c.events and c.events[0].action == "committed" for c in commitments)
        upcoming = _db.session.scalar(_select(Episode).where(Episode.status == EpisodeStatus.PLANNED))
        items = list(_db.session.scalars(_select(RundownItem).where(RundownItem.episode_id == upcoming.id)))
        assert len(items) >= 3 and all(item.state is ItemState.QUEUED for item in items)
        assert upcoming.version == len(items)


def test_the_follow_up_work_has_something_in_every_queue(app):
    """Every desk queue, the workspace reminders and the follow-up board have demo items to work on."""
    with app.app_context():
        load_demo()
        commitments = list(db.session.scalars(select(Commitment)))
        statuses = {c.status for c in commitments}
        assert statuses == set(CommitmentStatus)
        assert any(c.vague_reason for c in commitments)
        assert any(c.satisfaction is Satisfaction.UNSATISFIED for c in commitments)
        assert db.session.scalar(select(func.count()).select_from(ExtensionRequest)
                                 .where(ExtensionRequest.status == ExtensionStatus.PENDING)) >= 1
        assert db.session.scalar(select(func.count()).select_from(CommitmentEvent)
                                 .where(CommitmentEvent.action == "reopened")) >= 1
        # No timeline runs ahead of the clock.
        assert db.session.scalar(select(func.max(CommitmentEvent.at))) <= datetime.now(UTC)
        block = db.session.scalar(select(RundownItem).where(RundownItem.kind == ItemKind.FOLLOWUP))
        assert block is not None and block.followups
        assert all(rules.is_overdue(f.commitment.deadline, f.commitment.status) for f in block.followups)
        assert db.session.scalar(select(func.count()).select_from(ReminderDigest)
                                 .where(ReminderDigest.day == rules.today())) >= 1
        load_demo()   # a second run adds no second block and no second digest
        assert db.session.scalar(select(func.count()).select_from(RundownItem)
                                 .where(RundownItem.kind == ItemKind.FOLLOWUP)) == 1
