"""The department workspace in a real browser: a department's officer works a commitment through."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from tracker.commitments import rules
from tracker.extensions import db

from ..commitment_data import PNG, Commitments

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def workspace(make):
    """市住建局 with three commitments like the demo's: one overdue, one due soon, one later."""
    zjj = make.department("ZJJ", "市住建局")
    episode = make.episode(44, "老旧小区改造回头看")
    commitments = Commitments(make)
    today = rules.today()
    road = commitments.create(zjj, episode=episode, deadline=today + timedelta(days=2),
                              content="两周内完成幸福路断头路的征迁协调，年底前打通", official_name="李建国")
    road.quote = "请大家放心，年底前一定让幸福路通车。"
    road.case.location = "茅箭区幸福路与人民路交叉口"
    commitments.create(zjj, episode=episode, deadline=today - timedelta(days=4), content="一个月内完成外墙脱落排查")
    commitments.create(zjj, episode=episode, deadline=today + timedelta(days=40), content="年内建成电动车充电棚")
    db.session.commit()
    return SimpleNamespace(user=make.user("department", department=zjj), road=road)


def test_an_officer_reports_progress_asks_for_time_and_claims_done(page, live_server, workspace, login,
                                                                   screenshot):
    page.set_viewport_size(DESKTOP)
    login(page, workspace.user)
    assert page.url.endswith("/dept")
    assert page.locator("tr[data-commitment]").count() == 3
    screenshot(page, "dept-list-desktop")

    page.click(f"tr[data-commitment='{workspace.road.id}'] a")
    page.wait_for_url(f"**/dept/commitments/{workspace.road.id}")
    assert "年底前一定让幸福路通车" in page.inner_text(".quote")

    page.fill("#progress-note", "征迁协调会已召开，三户已签约")
    page.fill("#progress-percent", "35")
    page.set_input_files("#progress-file", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    with page.expect_navigation():
        page.click("#progress-form button[type=submit]")
    assert page.locator(".flash-success").count() == 1
    assert page.get_attribute(".progress-cell progress", "value") == "35"
    thumb = page.locator("img.evidence-thumb")
    assert thumb.count() == 1
    thumb.scroll_into_view_if_needed()  # lazy: it loads when it comes into view
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())

    later = (workspace.road.deadline + timedelta(days=30)).isoformat()
    page.fill("#extension-deadline", later)
    page.fill("#extension-reason", "雨季施工受阻，需顺延一个月")
    with page.expect_navigation():
        page.click("#extension-form button[type=submit]")
    assert page.locator(".pending-extension").count() == 1
    assert page.locator("#extension-form").count() == 0
    screenshot(page, "dept-detail-desktop")

    page.set_viewport_size(PHONE)
    screenshot(page, "dept-detail-phone")
    page.set_viewport_size(DESKTOP)

    page.fill("#done-note", "幸福路已通车，附验收照片")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#done-form button[type=submit]")
    assert page.locator("#progress-form").count() == 0 and page.locator("#done-form").count() == 0
    for action in ["committed", "progress_reported", "evidence_added", "extension_requested", "claimed_done"]:
        assert page.locator(f".timeline-{action}").count() == 1, action

    page.set_viewport_size(PHONE)
    page.goto("/dept")
    screenshot(page, "dept-list-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_refused_claim_is_not_sent_and_a_bad_file_is_explained(page, live_server, workspace, login):
    login(page, workspace.user)
    page.goto(f"/dept/commitments/{workspace.road.id}")

    page.fill("#done-note", "办完了")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#done-form button[type=submit]")
    assert page.locator("#done-form").count() == 1  # nothing was sent

    page.fill("#progress-note", "附上现场照片")
    page.set_input_files("#progress-file", files=[{"name": "照片.png", "mimeType": "image/png",
                                                   "buffer": b"<html>not an image</html>"}])
    with page.expect_navigation():
        page.click("#progress-form button[type=submit]")
    assert page.locator("#progress-form .field-error").count() == 1
    assert page.evaluate("document.activeElement.id") == "progress-file"
    assert page.locator(".timeline-progress_reported").count() == 0
