"""The on-time rule as a reader sees it: a late extension marked 逾期后申请, the league table's
new columns and the line under it, on a desktop and on a phone."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import CommitmentStatus

from ..commitment_data import Commitments

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def late(app, api, make):
    """Promised for 12 days ago; the extension asked today, approved, the work verified."""
    zjj, jtj = make.department("ZJJ", "市住建局"), make.department("JTJ", "市交通局")
    commitments = Commitments(make)
    commitment = commitments.create(zjj, content="月底前打通幸福路断头路", deadline=rules.today() - timedelta(days=12))
    department, supervisor = api.as_role("department", zjj), api.as_role("supervisor")
    base = f"/api/v1/commitments/{commitment.id}"
    assert department.post(f"{base}/extension", json={"deadline": (rules.today() + timedelta(days=10)).isoformat(),
                                                      "reason": "雨季无法施工"}).status_code == 201
    assert supervisor.post(f"{base}/extension/approve", json={}).status_code == 200
    assert department.post(f"{base}/claim-done", json={"note": "已贯通"}).status_code == 200
    assert supervisor.post(f"{base}/verify", json={"satisfaction": "satisfied"}).status_code == 200
    commitments.create(zjj, content="两周内修补外墙", status="closed_unfulfilled")
    given_up = commitments.create(jtj, content="更换公交站台", deadline=rules.today() - timedelta(days=3))
    given_up.status = CommitmentStatus.IN_PROGRESS
    db.session.commit()
    return commitment.id


def test_a_late_extension_and_the_league_table_as_seen(page, live_server, late, screenshot):
    page.goto(f"/commitments/{late}")
    badges = page.locator(".requested-late")
    assert badges.count() == 2 and badges.first.is_visible()
    assert badges.first.inner_text() == "逾期后申请"
    assert page.locator(".details progress").get_attribute("value") == "100"
    screenshot(page, "on-time-commitment-late-extension")

    page.goto("/league")
    row = page.locator('tr[data-code="ZJJ"]')
    assert row.locator('[data-figure="on_time_rate"]').inner_text() == "0%"
    assert row.locator('[data-figure="met_after_extension"]').inner_text() == "1"
    assert row.locator('[data-figure="closed_unfulfilled"]').inner_text() == "1"
    note = page.locator(".on-time-rule")
    assert note.is_visible() and "延期后兑现" in note.inner_text()
    screenshot(page, "on-time-league-desktop")

    page.set_viewport_size(PHONE)
    page.goto("/league")
    assert page.locator(".on-time-rule").is_visible()
    # The table scrolls inside its box; the page itself does not get wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "on-time-league-phone")
