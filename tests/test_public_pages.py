"""The public tracker's pages: what a citizen finds, and that nothing private is on them."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import CommitmentStatus, EpisodeStatus, ItemState, RundownItem, Satisfaction
from tracker.public import stats, trends

from .commitment_data import Commitments

TODAY = date(2026, 12, 10)
SECRET_NAME, SECRET_PHONE = "欧阳秘密人", "13712345678"
SECRET_NOTE, SECRET_FILE, STAFF_NAME = "内部备注请勿公开", "欧阳秘密人身份证.png", "王督办员"
SECRETS = (SECRET_NAME, SECRET_PHONE, SECRET_NOTE, SECRET_FILE, STAFF_NAME)


@pytest.fixture
def on_day(monkeypatch):
    monkeypatch.setattr(rules, "today", lambda: TODAY)


def moment(day: date, hour: int = 10) -> datetime:
    """A moment on that Asia/Shanghai day, as stored (UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=rules.SHANGHAI).astimezone(UTC)


def listed(html: str) -> list[int]:
    """The commitments a page links to, in order."""
    return [int(n) for n in re.findall(r'href="/commitments/(\d+)"', html)]


@pytest.fixture
def city(app, api, make, on_day):
    """An aired episode with three commitments of two departments; one worked through the API by
    named staff, with private notes and evidence; and a planned episode."""
    zjj, jtj = make.department("ZJJ", "市住建局"), make.department("JTJ", "市交通局")
    episode = make.episode(41, "聚焦城市建设", date(2026, 11, 6))
    episode.status = EpisodeStatus.ENDED
    planned = make.episode(42, "下一期节目", date(2026, 12, 18))
    case = make.case("幸福路断头路", departments=[zjj], complainant_name=SECRET_NAME, complainant_phone=SECRET_PHONE)
    db.session.add(RundownItem(episode_id=episode.id, case_id=case.id, position=0, state=ItemState.DONE))
    commitments = Commitments(make)
    commitments._cases[zjj.id], commitments._episode = case, episode
    worked = commitments.create(zjj, deadline=TODAY + timedelta(days=20), content="月底前打通幸福路")
    overdue = commitments.create(jtj, deadline=TODAY - timedelta(days=2), content="修复公交站台")
    verified = commitments.create(jtj, deadline=TODAY + timedelta(days=5), status="verified", content="更换路灯")
    verified.satisfaction = Satisfaction.SATISFIED
    staff = {role: make.user(role, department=zjj if role == "department" else None) for role in ("department",
                                                                                                  "supervisor")}
    for user in staff.values():
        user.display_name = STAFF_NAME
    db.session.commit()
    department, supervisor = api.as_user(staff["department"]), api.as_user(staff["supervisor"])
    department.post(f"/api/v1/commitments/{worked.id}/progress", json={"note": SECRET_NOTE, "percent": 40})
    department.post(f"/api/v1/commitments/{worked.id}/extension",
                    json={"deadline": (TODAY + timedelta(days=40)).isoformat(), "reason": SECRET_NOTE})
    supervisor.post(f"/api/v1/commitments/{worked.id}/extension/approve", json={"note": SECRET_NOTE})
    hidden, shown = commitments.attachment(app, worked), commitments.attachment(app, worked, public=True)
    hidden.original_name = shown.original_name = SECRET_FILE
    db.session.commit()
    return {"worked": worked.id, "overdue": overdue.id, "verified": verified.id, "hidden": hidden.id,
            "shown": shown.id, "episode": episode.id, "planned": planned.id}


def public_pages(city) -> list[str]:
    return ["/", "/commitments", "/commitments?q=幸福路", "/commitments?department=ZJJ&overdue=1",
            *(f"/commitments/{city[name]}" for name in ("worked", "overdue", "verified")),
            f"/episodes/{city['episode']}", "/departments/ZJJ", "/departments/JTJ", "/league",
            "/league?since=2026-01-01&sort=-on_time_rate"]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_nothing_private_on_any_public_page(client, city, language):
    client.get(f"/lang/{language}")
    for path in public_pages(city):
        response = client.get(path)
        assert response.status_code == 200, path
        for secret in SECRETS:
            assert secret not in response.text, f"{secret} on {path}"
        assert f"/attachments/{city['hidden']}" not in response.text, path


def test_a_commitment_tells_its_public_story(client, city):
    page = client.get(f"/commitments/{city['worked']}").text

    assert "月底前打通幸福路" in page and "幸福路断头路" in page and "李建国" in page
    assert (TODAY + timedelta(days=40)).isoformat() in page          # the deadline in force
    assert 'class="muted original-deadline"' in page                  # and the one said on air
    assert page.count('class="timeline-event') == 3                   # committed, progress, extension approved
    assert "timeline-extension_requested" not in page
    assert f'src="/api/v1/public/attachments/{city["shown"]}"' in page
    assert '{% include' not in page


def test_the_timeline_says_which_role_acted_never_who(client, city):
    client.get("/lang/en")
    page = client.get(f"/commitments/{city['worked']}").text
    heads = re.findall(r'<p class="timeline-head">(.*?)</p>', page, re.S)
    assert "Department" in heads[1] and "Supervisor" in heads[2]


@pytest.mark.parametrize("query, wanted", [
    ("", {"worked", "overdue", "verified"}),
    ("department=JTJ", {"overdue", "verified"}),
    ("status=verified", {"verified"}),
    ("overdue=1", {"overdue"}),
    ("q=路灯", {"verified"}),
    ("q=幸福路", {"worked"}),
    ("q=ZZZ", set()),
    ("department=NOPE", {"worked", "overdue", "verified"}),   # a value it cannot use is left out
    ("status=lost&page=abc&since=yesterday", {"worked", "overdue", "verified"}),
])
def test_filters(client, city, query, wanted):
    response = client.get(f"/commitments?{query}")
    assert response.status_code == 200
    assert set(listed(response.text)) == {city[name] for name in wanted}


def test_filter_by_episode_and_period(client, make, on_day):
    commitments = Commitments(make)
    department = make.department("ZJJ")
    first, second = make.episode(1), make.episode(2)
    november = commitments.create(department, episode=first)
    december = commitments.create(department, episode=second)
    november.created_at, december.created_at = moment(date(2026, 11, 30), hour=23), moment(date(2026, 12, 1), 0)
    db.session.commit()

    assert listed(client.get(f"/commitments?episode={first.id}").text) == [november.id]
    assert listed(client.get("/commitments?until=2026-11-30").text) == [november.id]
    assert listed(client.get("/commitments?since=2026-12-01").text) == [december.id]


def test_pages_and_sorting(client, make, on_day):
    department = make.department("ZJJ")
    commitments = Commitments(make)
    made = [commitments.create(department, deadline=TODAY + timedelta(days=n)) for n in range(1, 26)]

    first = client.get("/commitments?department=ZJJ").text
    second = client.get("/commitments?department=ZJJ&page=2").text
    beyond = client.get("/commitments?department=ZJJ&page=99").text
    assert len(listed(first)) == 20 and len(listed(second)) == 5 and listed(beyond) == listed(second)
    assert not set(listed(first)) & set(listed(second))
    assert 'href="/commitments?department=ZJJ&amp;page=2"' in first     # the pager keeps the filters
    latest = listed(client.get("/commitments?sort=-deadline").text)
    assert latest[:3] == [c.id for c in reversed(made)][:3]
    assert listed(client.get("/commitments?sort=deadline").text)[:3] == [c.id for c in made][:3]


def figure(name: str, value: float | None) -> str:
    """How the page writes a figure of `league_table`: rates as whole percentages."""
    if value is None:
        return "—"
    return f"{value * 100:.0f}%" if name in ("on_time_rate", "satisfaction") else f"{value:g}"


def table_figures(html: str) -> dict[str, dict[str, str]]:
    """The league table as shown: department code → figure name → text."""
    rows = {}
    for code, body in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html, re.S):
        cells = re.findall(r'data-figure="([a-z_]+)">(.*?)</td>', body, re.S)
        rows[code] = {name: re.sub(r"<[^>]+>", "", text).strip() for name, text in cells}
    return rows


@pytest.mark.both_databases
def test_the_league_table_shows_league_tables_figures(client, make, on_day):
    zjj, jtj = make.department("ZJJ", "市住建局"), make.department("JTJ", "市交通局")
    commitments = Commitments(make)
    start = TODAY - timedelta(days=30)
    for department, status, deadline, claimed, closed, satisfaction in [
        (zjj, "verified", start + timedelta(days=8), start + timedelta(days=8), start + timedelta(days=10), "satisfied"),
        (zjj, "verified", start + timedelta(days=8), start + timedelta(days=9), start + timedelta(days=21), None),
        (zjj, "in_progress", TODAY - timedelta(days=1), None, None, None),
        (jtj, "committed", TODAY + timedelta(days=9), None, None, None),
    ]:
        commitment = commitments.create(department, deadline=deadline)
        commitment.status, commitment.created_at = CommitmentStatus(status), moment(start)
        commitment.claimed_done_at = moment(claimed) if claimed else None
        commitment.closed_at = moment(closed) if closed else None
        commitment.satisfaction = Satisfaction(satisfaction) if satisfaction else None
    db.session.commit()

    shown = table_figures(client.get("/league").text)
    expected = {row["code"]: row for row in stats.league_table()}
    assert set(shown) == {"ZJJ", "JTJ"}
    for code, row in expected.items():
        for name, text in shown[code].items():
            assert text == figure(name, row[name]), (code, name)
    assert shown["ZJJ"]["on_time_rate"] == "33%" and shown["JTJ"]["on_time_rate"] == "—"
    assert shown["ZJJ"]["median_days_to_verification"] == "15.5"
    # Sorted by on-time rate, highest first: a department with no rate yet comes last either way.
    for sort in ("-on_time_rate", "on_time_rate"):
        assert list(table_figures(client.get(f"/league?sort={sort}").text)) == ["ZJJ", "JTJ"]
    assert list(table_figures(client.get("/league?sort=overdue").text)) == ["JTJ", "ZJJ"]
    assert table_figures(client.get("/league?until=2026-01-01").text) == {}


def test_the_start_page_shows_the_programs_figures(client, city):
    page = client.get("/").text
    headline = re.findall(r'<span class="headline-value">(.*?)</span>', page)
    whole = stats.combined(stats.department_records())
    assert headline[:2] == [str(whole["total"]), str(whole["verified"])] == ["3", "1"]
    assert headline[3] == "1"                                       # overdue now
    assert f'href="/episodes/{city["episode"]}"' in page and "下一期节目" not in page
    assert 'data-chart="monthly"' in page and 'id="chart-monthly-data"' in page
    assert 'href="/departments/JTJ"' in page


@pytest.mark.both_databases
def test_months_are_counted_on_the_shanghai_calendar(app, make, on_day):
    department = make.department("ZJJ")
    commitments = Commitments(make)
    rows = [(date(2026, 10, 31), 23, None), (date(2026, 11, 1), 1, date(2026, 12, 2)),
            (date(2026, 12, 3), 9, None), (date(2025, 1, 1), 9, date(2026, 11, 20))]
    for made, hour, verified in rows:
        commitment = commitments.create(department)
        commitment.created_at = moment(made, hour)
        if verified:
            commitment.status, commitment.closed_at = CommitmentStatus.VERIFIED, moment(verified)
    db.session.commit()

    months = trends.by_month(3)

    assert [(m.month, m.made, m.verified) for m in months] == [
        ("2026-10", 1, 0), ("2026-11", 1, 1), ("2026-12", 1, 1)]
    assert trends.by_month(12)[0].month == "2026-01"
    assert trends.status_counts()[CommitmentStatus.VERIFIED] == 2


def test_an_episode_shows_its_cases_and_their_commitments(client, city):
    page = client.get(f"/episodes/{city['episode']}").text
    assert "幸福路断头路" in page and set(listed(page)) == {city["worked"], city["overdue"], city["verified"]}


@pytest.mark.parametrize("path", ["/commitments/999999", "/episodes/999999", "/departments/NOPE"])
def test_unknown_things_are_404(client, city, path):
    assert client.get(path).status_code == 404


def test_an_episode_still_being_planned_is_not_public(client, city):
    assert client.get(f"/episodes/{city['planned']}").status_code == 404


def test_every_page_can_be_shared(client, city):
    for path in public_pages(city):
        page = client.get(path).text
        for name in ("og:title", "og:description", "og:url"):
            assert re.search(rf'<meta property="{name}" content="[^"]+">', page), (path, name)
        assert re.search(r'<meta property="og:url" content="http://localhost/', page), path
        assert '<meta name="twitter:card" content="summary">' in page and '<meta name="description"' in page


def test_downloads_and_feeds_carry_the_filters(client, city):
    page = client.get("/commitments?department=ZJJ&status=in_progress&page=1").text
    assert 'href="/commitments.csv?department=ZJJ&amp;status=in_progress"' in page
    assert 'href="/commitments.xlsx?department=ZJJ&amp;status=in_progress"' in page
    feed = '<link rel="alternate" type="application/atom+xml" href="{}"'
    assert feed.format("/feeds/updates.atom") in client.get("/").text
    assert feed.format(f"/feeds/commitments/{city['worked']}.atom") in client.get(f"/commitments/{city['worked']}").text
    assert feed.format("/feeds/departments/ZJJ.atom") in client.get("/departments/ZJJ").text


@pytest.mark.parametrize("path", ["/", "/commitments", "/league", "/commitments?q=x&sort=newest"])
def test_pages_work_on_an_empty_database(client, path):
    response = client.get(path)
    assert response.status_code == 200 and 'class="empty"' in response.text


def test_a_department_without_commitments_has_a_page(client, make):
    make.department("FX", "房县人民政府")
    page = client.get("/departments/FX")
    assert page.status_code == 200 and "房县人民政府" in page.text and 'class="empty"' in page.text
