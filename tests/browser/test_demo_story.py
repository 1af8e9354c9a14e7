"""The whole follow-up story on the demo city, in the browser: a department works a commitment
made on air, a supervisor verifies it and releases its photo, and the public sees the result —
each seeing only what they may."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.demo import load_demo
from tracker.extensions import db
from tracker.models import Commitment, CommitmentStatus, Department

from ..commitment_data import PNG
from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        zjj = db.session.scalar(select(Department).where(Department.code == "ZJJ"))
        ours = db.session.scalar(select(Commitment).where(Commitment.department_id == zjj.id,
                                                          Commitment.status == CommitmentStatus.COMMITTED))
        theirs = db.session.scalar(select(Commitment).where(Commitment.department_id != zjj.id))
        return ours.id, theirs.id, theirs.content


def sign_out(page) -> None:
    with page.expect_navigation():
        page.click(".session-box form button[type=submit]")


def test_a_demo_commitment_from_air_to_verified_and_public(page, live_server, demo):
    ours, theirs, their_promise = demo

    log_in(page, "zjj", "demo-zjj-2026")
    # Another department's commitment does not exist for this account.
    response = page.goto(f"/dept/commitments/{theirs}")
    assert response.status == 404 and their_promise not in page.content()

    page.goto(f"/dept/commitments/{ours}")
    page.fill("#progress-note", "已组织施工队进场，完成一半")
    page.fill("#progress-percent", "50")
    page.set_input_files("#progress-file", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    with page.expect_navigation():
        page.click("#progress-form button[type=submit]")
    page.fill("#done-note", "维修完成，请督查室核验")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#done-form button[type=submit]")
    sign_out(page)

    log_in(page, "supervisor", "demo-supervisor-2026")
    page.goto("/oversight")   # the desk opens on the claims awaiting verification
    with page.expect_navigation():
        page.click(f"a.row-link[href='/oversight/commitments/{ours}']")
    attachment = page.locator("[data-attachment]").first.get_attribute("data-attachment")
    with page.expect_navigation():
        page.click(f"[data-attachment='{attachment}'] button[name=public]")
    page.check("input[name=verify-satisfaction][value=satisfied]")
    page.fill("#verify-note", "电话回访：群众满意")
    with page.expect_navigation():
        page.click("#verify-submit")
    for action in ["committed", "progress_reported", "evidence_added", "claimed_done", "evidence_published",
                   "verified"]:
        assert page.locator(f".timeline-{action}").count() == 1, action
    sign_out(page)

    page.goto(f"/commitments/{ours}")
    body = page.inner_text("main")
    assert "已核验" in body
    assert "已组织施工队进场" not in body and "电话回访" not in body   # notes stay internal
    evidence = page.locator(f"a[href='/api/v1/public/attachments/{attachment}'], "
                            f"img[src='/api/v1/public/attachments/{attachment}']")
    assert evidence.count() >= 1
