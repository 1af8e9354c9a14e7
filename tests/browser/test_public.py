"""The public tracker in a real browser, on a phone and on a desktop: pages, charts, keyboard."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import CommitmentStatus, EpisodeStatus, ItemState, RundownItem, Satisfaction

from ..commitment_data import Commitments

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}
SIZES = {"375": PHONE, "1366": DESKTOP}


def moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=rules.SHANGHAI).astimezone(UTC)


@pytest.fixture
def city(app, make):
    """Three departments, two aired episodes, a dozen commitments in every state over half a year."""
    today = rules.today()
    zjj, gd = make.department("ZJJ", "市住建局"), make.department("GDGS", "供电公司", kind="enterprise")
    fx = make.department("FX", "房县人民政府", kind="county")
    commitments = Commitments(make)
    episodes = []
    for number, title, weeks_ago in ((41, "聚焦城市建设", 20), (42, "民生用电", 8)):
        episode = make.episode(number, title, today - timedelta(weeks=weeks_ago))
        episode.status = EpisodeStatus.ENDED
        episodes.append(episode)
    plan = [
        (zjj, "月底前打通幸福路断头路", "verified", -30, 0, "satisfied"),
        (zjj, "两周内完成阳光小区外墙修补", "verified", -10, 0, "basically_satisfied"),
        (zjj, "年内完成老旧小区雨污分流改造", "in_progress", 40, 0, None),
        (zjj, "一个月内清理小区违章建筑", "in_progress", -5, 0, None),
        (gd, "本月内整改城东商业街转供电加价", "claimed_done", 3, 1, None),
        (gd, "三个月内完成老旧线路改造", "committed", 60, 1, None),
        (gd, "立即核查并退还多收电费", "verified", -20, 1, "unsatisfied"),
        (fx, "汛期前修复山区饮水工程", "closed_unfulfilled", -15, 1, None),
        (fx, "十日内恢复供水", "in_progress", 1, 1, None),
        (fx, "年底前建成村级污水处理站", "committed", 90, 1, None),
    ]
    made = []
    for index, (department, content, status, due_in, episode, satisfaction) in enumerate(plan):
        commitment = commitments.create(department, content=content, deadline=today + timedelta(days=due_in),
                                        episode=episodes[episode])
        commitment.status = CommitmentStatus(status)
        commitment.created_at = moment(episodes[episode].air_date)
        if status == "verified":
            commitment.claimed_done_at = moment(today + timedelta(days=due_in - index % 3))
            commitment.closed_at = moment(today - timedelta(days=index))
            commitment.satisfaction = Satisfaction(satisfaction)
        made.append(commitment)
    for episode in episodes:
        case_ids = {c.case_id for c in made if c.episode_id == episode.id}
        for position, case_id in enumerate(sorted(case_ids)):
            db.session.add(RundownItem(episode_id=episode.id, case_id=case_id, position=position,
                                       state=ItemState.DONE))
    db.session.commit()
    commitments.attachment(app, made[0], public=True)
    return SimpleNamespace(commitment=made[0].id, episode=episodes[0].id, department="ZJJ")


def paths(city) -> dict[str, str]:
    return {"home": "/", "commitments": "/commitments", "commitment": f"/commitments/{city.commitment}",
            "episode": f"/episodes/{city.episode}", "department": f"/departments/{city.department}",
            "league": "/league"}


CHARTS = {"home": 2, "department": 2, "league": 1}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["home", "commitments", "commitment", "episode", "department", "league"])
def test_each_page_at_phone_and_desktop_width(page, city, screenshot, name, size):
    page.set_viewport_size(SIZES[size])
    page.goto(paths(city)[name])

    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.locator("h1").count() == 1
    assert page.locator("header.site-header").count() == 1 and page.locator("main#main").count() == 1
    charts = CHARTS.get(name, 0)
    if charts:
        page.wait_for_function(f"document.querySelectorAll('[data-chart] canvas').length >= {charts}")
        for chart in page.locator("[data-chart]").all():
            box = chart.bounding_box()
            assert box["width"] > 200 and box["height"] > 150
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{name} is {width}px wide at {size}px"
    screenshot(page, f"public-{name}-{size}")


def test_filters_are_labelled_and_reachable_by_keyboard(page, city):
    page.set_viewport_size(PHONE)
    page.goto("/commitments")
    names = set()
    for control in page.locator("form.filters :is(input, select)").all():
        assert control.evaluate("el => el.labels.length") == 1, control.get_attribute("name")
        names.add(control.get_attribute("name"))
    assert page.inner_text("form.filters button[type=submit]").strip()
    names.add("submit")
    assert {"q", "department", "episode", "status", "since", "until", "sort", "overdue", "submit"} <= names

    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('details.more-filters:not([open]) > summary')"):
            page.keyboard.press("Enter")  # a phone folds the filters beyond the search away
        reached.add(page.evaluate("document.activeElement.name || document.activeElement.type || ''"))
        if names <= reached:
            break
    assert names <= reached, f"not reached by Tab: {names - reached}"


def test_a_citizen_filters_from_a_phone(page, city):
    page.set_viewport_size(PHONE)
    page.goto("/commitments")
    assert not page.is_visible("select[name=department]")
    page.click(".more-filters summary")
    page.select_option("select[name=department]", "GDGS")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")

    assert parse_qs(urlsplit(page.url).query)["department"] == ["GDGS"]
    titles = page.locator(".commitment-title").all_inner_texts()
    assert len(titles) == 3 and "本月内整改城东商业街转供电加价" in titles
    csv = page.get_attribute(".downloads a >> nth=0", "href")
    assert csv.startswith("/commitments.csv?") and "department=GDGS" in csv

    page.fill("input[name=q]", "退还")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query) == {"department": ["GDGS"], "q": ["退还"]}  # no empty fields
    assert page.locator(".commitment-title").all_inner_texts() == ["立即核查并退还多收电费"]


def test_the_league_table_sorts_by_a_column(page, city):
    page.goto("/league")
    with page.expect_navigation():
        page.click(".league-table thead th:nth-child(6) a")  # overdue now
    assert page.get_attribute(".league-table thead th:nth-child(6)", "aria-sort") == "ascending"
    assert page.locator(".league-table tbody tr").count() == 3
