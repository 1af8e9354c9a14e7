"""The newer staff and citizen pages on a phone (375 px) and a laptop (1366 px): the import job's
progress, preview and result, the dispute pages and their supervisor queue, the sign-in throttles.
Nothing is wider than the screen, and no table cell lies beyond its edge: on a phone a table
turns into labelled cards (`.stack-table`, as the oversight desk's queues)."""
from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest

from tracker.auth import throttle
from tracker.cases import import_jobs

from ..commitment_data import Commitments
from ..test_import_jobs import big_csv
from ..voice_data import PHONE, follower, mails

pytestmark = pytest.mark.browser

SIZES = {"375": {"width": 375, "height": 812}, "1366": {"width": 1366, "height": 768}}
# The widest element that pokes out of the page (for the failure message), and the table cells
# beyond the screen's edge: scrolled out of sight in their table's box, a Lift button or a row's
# outcome that a phone never shows.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  let worst = null;
  for (const node of document.querySelectorAll("body *")) {
    const right = node.getBoundingClientRect().right;
    if (right > limit + 1 && (!worst || right > worst.right)) worst = { right, tag: node.tagName, cls: node.className };
  }
  const hidden = [...document.querySelectorAll("td, th:not(thead th)")]
    .filter((cell) => cell.getClientRects().length && cell.getBoundingClientRect().right > limit + 1)
    .map((cell) => cell.textContent.trim().slice(0, 20));
  return { scroll: document.documentElement.scrollWidth, limit, worst, hidden };
}"""


def at_both_widths(page, screenshot, name: str) -> None:
    """Screenshots at 375 and 1366 px, and no sideways scrolling of the page at either."""
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        screenshot(page, f"{name}-{label}")
        measured = page.evaluate(WIDEST)
        assert measured["scroll"] <= size["width"], (name, label, measured)
        assert measured["hidden"] == [], (name, label, measured)


def test_the_import_job_pages(page, live_server, make, login, screenshot, monkeypatch, tmp_path):
    make.department("ZJJ", "市住建局")
    producer = make.user("producer", username="producer")
    release = threading.Event()
    preview = import_jobs._preview

    def held_preview(job):
        import_jobs._live[job.id] = (20, 40)
        release.wait(10)
        preview(job)
    monkeypatch.setattr(import_jobs, "_preview", held_preview)
    rows = big_csv(40).decode() + "GD9999998,标题很长" + "很长" * 60 + ",居民反映,城东路,张秀兰,13900000001,不存在的单位,城建,12345\n"
    path = tmp_path / "12345导出.csv"
    path.write_bytes(rows.encode())
    login(page, producer)
    page.goto("/cases/import")
    page.set_input_files('input[type="file"]', str(path))
    with page.expect_navigation():
        page.click('button[type="submit"].primary')
    page.wait_for_selector("progress[value='20']")
    at_both_widths(page, screenshot, "narrow-import-progress")
    release.set()
    page.wait_for_selector("[data-import-mapping]", timeout=15000)
    monkeypatch.setattr(import_jobs, "_preview", preview)
    at_both_widths(page, screenshot, "narrow-import-preview")
    with page.expect_navigation():
        page.click("[data-apply]")
    page.wait_for_selector(".stats .stat-ok", timeout=30000)
    at_both_widths(page, screenshot, "narrow-import-result")
    page.goto("/cases/import")
    at_both_widths(page, screenshot, "narrow-import-recent")


def test_the_dispute_pages(page, live_server, make, login, screenshot):
    live_server.app.config["BASE_URL"] = live_server.url
    zjj = make.department("ZJJ", "市住建局")
    commitment = Commitments(make).create(zjj, status="verified", content="月底前修复幸福路路灯" * 4).id
    follower(commitment, "wang@example.com")
    page.goto(f"/commitments/{commitment}")
    at_both_widths(page, screenshot, "narrow-dispute-ask")
    page.fill(f"#dispute-email-{commitment}", "not-an-address")
    with page.expect_navigation():
        page.click(".dispute-form button[type=submit]")
    at_both_widths(page, screenshot, "narrow-dispute-ask-error")
    page.goto(f"/commitments/{commitment}")
    page.fill(f"#dispute-email-{commitment}", "wang@example.com")
    with page.expect_navigation():
        page.click(".dispute-form button[type=submit]")
    at_both_widths(page, screenshot, "narrow-dispute-link-sent")
    link = re.search(r"https?://\S+/dispute/\S+", mails("dispute_link")[-1].text_body).group(0)
    page.goto(link)
    at_both_widths(page, screenshot, "narrow-dispute-statement")
    page.fill("textarea[name=statement]", f"路灯还是不亮，晚上一片漆黑。电话{PHONE}" + "仍然没有人来修" * 20)
    with page.expect_navigation():
        page.click(".dispute-statement-form [type=submit]")
    at_both_widths(page, screenshot, "narrow-dispute-raised")
    login(page, make.user("supervisor"))
    page.goto("/oversight/disputes")
    at_both_widths(page, screenshot, "narrow-dispute-queue")
    page.goto("/oversight/disputes?status=all")
    at_both_widths(page, screenshot, "narrow-dispute-queue-all")


def test_the_login_throttles_page(page, live_server, make, login, screenshot, monkeypatch):
    moment = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)
    monkeypatch.setattr(throttle, "clock", lambda: moment)
    producer = make.user("producer", username="producer-with-a-rather-long-user-name")
    admin = make.user("admin", username="boss")
    for _ in range(4):
        login(page, producer, password="not-the-password")
    login(page, admin)
    page.goto("/admin/login-throttles")
    assert page.locator("tr", has_text="producer").count() >= 1
    at_both_widths(page, screenshot, "narrow-admin-login-throttles")
