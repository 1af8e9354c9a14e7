"""WCAG 2 A and AA, as axe-core judges them, on the public pages at phone and desktop widths and
on the pages staff work in all day."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.demo import load_demo
from tracker.extensions import db
from tracker.models import Commitment, Department, Episode, EpisodeStatus

from .conftest import log_in

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # the test extra is not installed
    Axe = None

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}


@pytest.fixture
def demo(app):
    if Axe is None:
        pytest.fail("axe-playwright-python is not installed (pip install -e '.[test]')")
    with app.app_context():
        load_demo()
        commitment = db.session.scalar(select(Commitment).order_by(Commitment.id))
        episode = db.session.scalar(select(Episode).where(Episode.status == EpisodeStatus.ENDED))
        return {"commitment": commitment.id, "episode": episode.id,
                "department": db.session.scalar(select(Department.code).where(Department.code == "ZJJ"))}


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_public_pages_pass_wcag_aa(page, demo, viewport):
    page.set_viewport_size(viewport)
    paths = ["/", "/commitments", f"/commitments/{demo['commitment']}", f"/episodes/{demo['episode']}",
             f"/departments/{demo['department']}", "/league", "/login"]
    found = {}
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[path] = problems
    assert found == {}


@pytest.mark.parametrize("account, paths", [
    ("zjj", ["/dept", "dept-detail", "/dept/letters"]),
    ("supervisor", ["/oversight", "/oversight/commitments", "oversight-detail", "/oversight/letters",
                    "/oversight/followup"]),
])
def test_the_follow_up_pages_pass_wcag_aa(page, demo, account, paths):
    log_in(page, account, f"demo-{account}-2026")
    found = {}
    for path in paths:
        if path.endswith("-detail"):
            listing = "/dept" if path.startswith("dept") else "/oversight/commitments"
            page.goto(listing)
            path = page.locator(f"a[href^='{listing.split('/commitments')[0]}/commitments/']").first.get_attribute("href")
        page.goto(path)
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[path] = problems
    assert found == {}
