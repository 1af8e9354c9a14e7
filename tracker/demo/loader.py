"""Loads the demo city into the database: `tracker demo` and `tracker serve --demo`.

Run it as often as you like. Each row is looked up by its natural key before anything is
created — a department by code (or by name), an account by username, a case by title, an
episode by number — and only what is missing is added, so a second run creates nothing.
Existing rows are left as they are, with one exception: the demo accounts get back their
documented password, role and department, and are made active again, so that the table
`print_accounts` shows always lets you in.
Everything happens in one transaction: a failure leaves the database as it was.

Dates follow today's date in Asia/Shanghai, so the demo looks current whenever it is first
loaded: three episodes aired on Fridays a few weeks ago, the next one airs next Friday, and a
hotline case's work-order number (YYMMDD + four digits, as 12345 systems issue them) names the
day it came in.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..auth.service import check_password, end_sessions, hash_password
from ..cases.refs import assign_ref
from ..commitments.rules import today
from ..extensions import db
from ..models import Case, CaseDepartment, CaseSource, CaseStatus, Department, Episode, EpisodeStatus, User, utcnow
from ..reminders.service import build_digests
from .departments import ACCOUNTS, DEPARTMENTS, DemoAccount
from .episodes import EPISODES
from .letters import ensure_letters
from .live import ensure_followup_block, ensure_live_data
from .polls import ensure_verdicts
from .pool import POOL_CASES

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = 4  # date.weekday()
AIR_START, AIR_END = time(19, 30), time(20, 30)
CASE_COUNT = sum(len(episode["cases"]) for episode in EPISODES) + len(POOL_CASES)

PlannedCase = tuple[datetime, dict, CaseStatus]


def load_demo(now: datetime | None = None) -> dict:
    """Create whatever part of the demo city is missing; return its accounts and counts.

    The summary: `accounts` [(username, role, password)], `account_departments`
    {username: "CODE name"}, the demo's `departments`, `cases` and `episodes` (the same on
    every run), and `created`: how many rows of each this run added.
    """
    now = now or utcnow()
    created = dict.fromkeys(("departments", "accounts", "episodes", "cases"), 0)
    try:
        units = _ensure_departments(created)
        users = _ensure_accounts(units, created)
        episodes = _ensure_episodes(now, created)
        _ensure_cases(_case_plan(episodes, now), units, users["producer"], created)
        db.session.flush()
        ensure_live_data(episodes, users["producer"], users["supervisor"])
        ensure_verdicts(episodes)
        ensure_letters(episodes, users["supervisor"])
        ensure_followup_block(episodes, users["producer"])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    # Today's reminders, as `tracker remind` would keep them (not mailed): the workspaces show them.
    build_digests(today())
    return {
        "accounts": [(account.username, account.role.value, account.password) for account in ACCOUNTS],
        "account_departments": {name: f"{user.department.code} {user.department.name}"
                                for name, user in users.items() if user.department},
        "departments": len(DEPARTMENTS),
        "cases": CASE_COUNT,
        "episodes": len(EPISODES),
        "created": created,
    }


def print_accounts(summary: dict, echo: Callable[[str], object]) -> None:
    """The demo accounts as an aligned table, then one line of counts."""
    departments = summary.get("account_departments", {})
    rows = [("ROLE", "USERNAME", "PASSWORD", "DEPARTMENT")]
    rows += [(role, username, password, departments.get(username, ""))
             for username, role, password in summary["accounts"]]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        # The department comes last: its Chinese name is wider than its length says.
        echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    counts = f"{summary['departments']} departments, {summary['cases']} cases, {summary['episodes']} episodes"
    created = summary.get("created", {})
    new = ", ".join(f"{count} {kind}" for kind, count in created.items() if count) or "nothing"
    echo(f"Demo city: {counts}; created now: {new}.")


def next_friday(today: date) -> date:
    """The first Friday after `today` (a week ahead when today is a Friday)."""
    return today + timedelta(days=(FRIDAY - today.weekday() - 1) % 7 + 1)


def _ensure_departments(created: dict) -> dict[str, Department]:
    """Demo code → the department that plays it: found by code, else by name, else new."""
    existing = list(db.session.scalars(select(Department)))
    by_code = {unit.code: unit for unit in existing}
    by_name = {unit.name: unit for unit in existing}
    units = {}
    for code, name, kind in DEPARTMENTS:
        unit = by_code.get(code) or by_name.get(name)
        if unit is None:
            unit = Department(code=code, name=name, kind=kind)
            db.session.add(unit)
            created["departments"] += 1
        units[code] = unit
    return units


def _ensure_accounts(units: dict[str, Department], created: dict) -> dict[str, User]:
    """Username → the demo account, created or put back to its documented credentials."""
    names = [account.username for account in ACCOUNTS]
    existing = {user.username: user for user in db.session.scalars(select(User).where(User.username.in_(names)))}
    users = {}
    for account in ACCOUNTS:
        user = existing.get(account.username)
        if user is None:
            user = User(username=account.username, display_name=account.display_name, email=account.email,
                        password_hash=hash_password(account.password), role=account.role, active=True,
                        department=units[account.department] if account.department else None)
            db.session.add(user)
            created["accounts"] += 1
        else:
            _reset_account(user, account, units)
        users[account.username] = user
    return users


def _reset_account(user: User, account: DemoAccount, units: dict[str, Department]) -> None:
    """Someone may have edited the account since; the printed table must stay true. Whatever
    was changed back ends the account's sessions and tokens, as an administrator's edit would."""
    department = units[account.department] if account.department else None
    changed = (user.role is not account.role or user.department is not department or not user.active)
    if not check_password(user, account.password):
        user.password_hash = hash_password(account.password)
        changed = True
    user.role, user.department, user.active = account.role, department, True
    if changed:
        end_sessions(user, revoke_tokens=True)


def _ensure_episodes(now: datetime, created: dict) -> list[tuple[Episode, dict]]:
    """Each demo episode's row (found by number, else new) with its plan."""
    upcoming = next_friday(now.astimezone(SHANGHAI).date())
    numbers = [plan["number"] for plan in EPISODES]
    existing = {row.number: row for row in db.session.scalars(select(Episode).where(Episode.number.in_(numbers)))}
    episodes = []
    for plan in EPISODES:
        episode = existing.get(plan["number"])
        if episode is None:
            episode = _new_episode(plan, upcoming + timedelta(weeks=plan["week"]))
            db.session.add(episode)
            created["episodes"] += 1
        episodes.append((episode, plan))
    return episodes


def _new_episode(plan: dict, air_date: date) -> Episode:
    start, end = _at(air_date, AIR_START), _at(air_date, AIR_END)
    episode = Episode(number=plan["number"], title=plan["title"], air_date=air_date,
                      scheduled_start=start, scheduled_end=end, status=EpisodeStatus.PLANNED, version=0)
    if plan["week"] < 0:
        episode.status, episode.started_at, episode.ended_at = EpisodeStatus.ENDED, start, end
    return episode


def _case_plan(episodes: Iterable[tuple[Episode, dict]], now: datetime) -> list[PlannedCase]:
    """Every demo case with when it came in and where it stands, oldest first.

    Creating them in that order makes the reference numbers follow the calendar.
    """
    plan: list[PlannedCase] = []
    for episode, episode_plan in episodes:
        status = CaseStatus.AIRED if episode_plan["week"] < 0 else CaseStatus.SCHEDULED
        for order, case in enumerate(episode_plan["cases"]):
            plan.append((_received(case, episode.air_date, order), case, status))
    today = now.astimezone(SHANGHAI).date()
    for order, case in enumerate(POOL_CASES):
        # Past an episode's few cases, so that a pool case never shares a moment with one.
        received = _office_hours(today - timedelta(days=len(POOL_CASES) - order), 10 + order)
        plan.append((received, case, CaseStatus.POOL))
    plan = [(min(received, now), case, status) for received, case, status in plan]
    return sorted(plan, key=lambda planned: planned[0])


def _received(case: dict, air_date: date, order: int) -> datetime:
    """A studio question arrives during the show; anything else one to two weeks before it."""
    if case["source"] == CaseSource.STUDIO.value:
        return _at(air_date, AIR_START) + timedelta(minutes=20 + 5 * order)
    return _office_hours(air_date - timedelta(days=8 + 2 * order), order)


def _office_hours(day: date, n: int) -> datetime:
    """A moment of a working day; distinct values of `n` (under 60) give distinct moments."""
    return _at(day, time(9 + (n * 3) % 8, (n * 17) % 60))


def _at(day: date, clock: time) -> datetime:
    """That Asia/Shanghai wall-clock moment, in UTC."""
    return datetime.combine(day, clock, SHANGHAI).astimezone(UTC)


def _ensure_cases(plan: list[PlannedCase], units: dict[str, Department], producer: User, created: dict) -> None:
    """Add the planned cases that are not there yet, in the plan's order."""
    db.session.flush()  # the producer's id, for created_by
    for received, data, status in plan:
        if db.session.scalar(select(Case.id).where(Case.title == data["title"]).limit(1)):
            continue
        name, phone = data["complainant"]
        case = Case(work_order_no=_work_order_no(data, received), title=data["title"], summary=data["summary"],
                    location=data["location"], category=data["category"], source=CaseSource(data["source"]),
                    status=status, complainant_name=name, complainant_phone=phone,
                    received_at=received if data["source"] == CaseSource.HOTLINE.value else None,
                    created_by_id=producer.id, created_at=received, updated_at=received)
        assign_ref(case, now=received)
        for position, code in enumerate(data["departments"]):
            case.department_links.append(CaseDepartment(department=units[code], position=position))
        db.session.add(case)
        created["cases"] += 1


def _work_order_no(data: dict, received: datetime) -> str | None:
    """A hotline case's work-order number: the day it came in and a serial fixed by its title.

    None for other sources, and where an imported work order already holds the number.
    """
    if data["source"] != CaseSource.HOTLINE.value:
        return None
    serial = zlib.crc32(data["title"].encode()) % 10_000
    number = f"{received.astimezone(SHANGHAI):%y%m%d}{serial:04d}"
    taken = db.session.scalar(select(Case.id).where(Case.work_order_no == number))
    return None if taken else number
