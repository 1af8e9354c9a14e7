"""The follow-up segment on air: when a 回头看 block is taken, the board shows each commitment —
department, promise, deadline, status in words and colour, progress — inside 1920×1080, the
lower third a short strap, and the producer's console lists the block like any item."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.commitment_data import Commitments
from tracker.commitments import lifecycle, rules
from tracker.extensions import db
from tracker.models import Commitment

from .conftest import log_in
from .display_helpers import SECOND, has, make_show, open_display, snap

pytestmark = pytest.mark.browser

PROMISES = ["年底前打通幸福路东段，恢复公交线路", "三个月内完成老旧管网改造", "拆除违建并恢复绿地",
            "春节前完成转供电加价清退，向商户公示退费明细", "加装路灯二十盏", "物业撤场后由街道托管",
            "清理河道垃圾并建立长效保洁机制", "完成学校周边交通标志标线改造", "增设社区老年食堂两处"]


def followup_block(make, show, count: int, title: str = "承诺兑现了吗") -> int:
    """`count` earlier commitments, in every kind of state, put in one block of the show."""
    department = make.department("CGJ", "市城管局")
    made = Commitments(make)
    today = rules.today()
    ids = []
    for n in range(count):
        status = ["in_progress", "verified", "committed", "claimed_done"][n % 4]
        deadline = today + timedelta(days=[-12, 20, 2, 40][n % 4])
        commitment = made.create(department, status=status, deadline=deadline, content=PROMISES[n % len(PROMISES)])
        if n % 4 == 0:
            reporter = make.user("department", department=department)
            commitment.status = "committed"
            db.session.commit()
            lifecycle.perform(commitment.id, "progress", reporter, {"note": "内部备注", "percent": 40 + n})
        if n % 4 == 1:
            commitment.satisfaction = "satisfied"
        if n == 2:
            commitment.original_deadline = deadline - timedelta(days=30)
        db.session.commit()
        ids.append(commitment.id)
    return show.act("rundown/followup", {"commitment_ids": ids, "title": title})["id"]


@pytest.fixture
def show(api, make):
    return make_show(api, make)


def test_the_board_shows_the_followup_block(page, api, make, show):
    block = followup_block(make, show, 3)
    open_display(page, show.id)
    show.act(f"rundown/{show.items[0]}/take")
    expect(page.locator(".featured-title")).to_be_visible(timeout=SECOND)
    show.act(f"rundown/{block}/take")
    board = page.locator("[data-followup-board]")
    expect(board).to_be_visible(timeout=SECOND)
    expect(page.locator(".board")).to_be_hidden()
    expect(board.locator(".fu-title")).to_have_text("承诺兑现了吗")
    rows = board.locator(".fu-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator(".fu-department")).to_have_text("市城管局")
    expect(rows.nth(0)).to_have_class(has("tone-danger"))      # overdue: red
    expect(rows.nth(0).locator(".fu-percent")).to_have_text("40%")
    expect(rows.nth(0).locator(".fu-latest")).not_to_be_empty()
    expect(rows.nth(1)).to_have_class(has("tone-ok"))          # verified: green
    expect(rows.nth(2)).to_have_class(has("tone-warn"))        # due in two days: amber
    expect(rows.nth(2).locator(".fu-original")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("内部备注")
    snap(page, "followup-board")

    # A department reports progress while the block is on air: the board follows at once,
    # although nothing on the running order changed (the episode's version stays).
    version = show.producer.get(f"/api/v1/episodes/{show.id}/rundown").get_json()["version"]
    commitment_id = int(rows.nth(0).get_attribute("data-commitment") or 0)
    reporter = api.as_role("department", db.session.get(Commitment, commitment_id).department)
    answer = reporter.post(f"/api/v1/commitments/{commitment_id}/progress", json={"note": "已完成路基", "percent": 75})
    assert answer.status_code == 200, answer.get_json()
    expect(rows.nth(0).locator(".fu-percent")).to_have_text("75%", timeout=SECOND)
    assert show.producer.get(f"/api/v1/episodes/{show.id}/rundown").get_json()["version"] == version

    show.act(f"rundown/{block}/done")
    expect(board).to_be_hidden(timeout=SECOND)
    expect(page.locator(".board")).to_be_visible()


def test_eight_rows_fit_and_more_turn_pages(page, make, show):
    block = followup_block(make, show, 9)
    show.act(f"rundown/{block}/take")
    open_display(page, show.id)
    rows = page.locator(".fu-row")
    expect(rows).to_have_count(8)
    bottom = page.evaluate("Math.max(...[...document.querySelectorAll('.fu-row')].map((r) => r.getBoundingClientRect().bottom))")
    assert bottom <= 1080 - 54, bottom
    overflow = page.evaluate("[...document.querySelectorAll('.fu-content')].some((c) => c.scrollWidth > c.clientWidth + 1)")
    assert not overflow
    expect(page.locator("[data-slot='fu.page']")).not_to_be_empty()
    snap(page, "followup-board-dense")
    expect(rows).to_have_count(1, timeout=12_000)  # the ninth, on page two


def test_the_lower_third_shows_a_followup_strap(page, make, show):
    block = followup_block(make, show, 4)
    show.act(f"rundown/{block}/take")
    show.act("graphic", {"kind": "case"})
    open_display(page, show.id, "layout=lower-third")
    band = page.locator("[data-lower-third]")
    expect(band).to_have_class(has("is-shown"))
    expect(band.locator("[data-slot='lt.followup.title']")).to_have_text("承诺兑现了吗")
    expect(band.locator("[data-slot='lt.followup.count']")).to_contain_text("4")
    expect(band.locator("[data-lt-tag-followup]")).to_be_visible()
    expect(band.locator("[data-lt-case]")).to_be_hidden()
    snap(page, "followup-lower-third")


def test_the_console_lists_and_takes_the_block(page, make, show, live_server):
    block = followup_block(make, show, 2)
    producer = make.user("producer")
    log_in(page, producer.username)
    page.goto(f"/studio/episodes/{show.id}")
    row = page.locator(f"tr[data-item-id='{block}']")
    expect(row.locator("[data-cell='title']")).to_have_text("承诺兑现了吗")
    expect(row).to_have_class(has("is-followup"))
    expect(row.locator("[data-cell='department']")).to_contain_text("2")
    row.locator("[data-action='take']").click()
    expect(row).to_have_attribute("data-state", "on_air", timeout=SECOND * 3)
    expect(page.locator("[data-stage='on_air'] [data-stage-field='title']")).to_have_text("承诺兑现了吗")
