"""The oversight desk in a real browser: a supervisor works through the queues."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext

from tracker.commitments import rules
from tracker.models import CommitmentStatus, ExtensionStatus

from ..commitment_data import Commitments, reload

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
TODAY = rules.today()


@pytest.fixture
def desk(app, make):
    """Two claims to check (one overdue), an extension request, a vague promise, and a photo."""
    zjj, cgj = make.department("ZJJ", "市住建局"), make.department("CGJ", "市城管局")
    made = Commitments(make)
    late = made.create(zjj, status="claimed_done", deadline=TODAY - timedelta(days=2),
                       content="两周内修复幸福路破损路面200米并恢复通行", official_name="王志强")
    claimed = made.create(cgj, status="claimed_done", deadline=TODAY + timedelta(days=12),
                          content="月底前清理占道经营摊位并设置临时疏导点")
    extension = made.create(zjj, deadline=TODAY + timedelta(days=2), content="年底前为阳光小区加装电梯3部")
    made.pending_extension(extension, days=45)
    made.create(cgj, deadline=TODAY + timedelta(days=20), content="高度重视，立即调查，尽快解决")
    photo = made.attachment(app, late)
    return SimpleNamespace(late=late.id, claimed=claimed.id, extension=extension.id, photo=photo.id,
                           supervisor=make.user("supervisor"))


def zh(app, msgid: str, **variables) -> str:
    with app.test_request_context(), force_locale("zh_CN"):
        return gettext(msgid, **variables)


def open_from_queue(page, queue: str) -> None:
    page.click(f"[data-queue-tab={queue}] a")
    page.wait_for_url(f"**/oversight?queue={queue}")


def test_a_supervisor_works_through_the_desk(page, live_server, desk, login, screenshot):
    app = live_server.app
    page.set_viewport_size(DESKTOP)
    login(page, desk.supervisor)
    assert page.url.endswith("/oversight")
    assert page.inner_text("[data-queue-tab=verify] .stat-value") == "2"
    assert page.inner_text("[data-queue-tab=vague] .stat-value") == "1"
    screenshot(page, "oversight-desk-1366")

    # J moves to the first, most urgent claim (the overdue one); Enter opens it.
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"/oversight/commitments/{desk.late}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.is_visible(".urgency-overdue")

    # Publish the department's photo, then verify with the citizen's satisfaction.
    page.click(f"[data-attachment='{desk.photo}'] button[name=public]")
    page.wait_for_url(f"**/oversight/commitments/{desk.late}#evidence")
    assert page.inner_text(f"[data-attachment='{desk.photo}'] .badge") == zh(app, "Public")
    page.check("input[name=verify-satisfaction][value=basically_satisfied]")
    page.fill("#verify-note", "电话回访：路面已修复，基本满意")
    screenshot(page, "oversight-commitment-1366")
    with page.expect_navigation():
        page.click("#verify-submit")
    assert zh(app, "Verified: the commitment is done, with the citizen's satisfaction recorded.") \
        in page.inner_text(".flashes")
    assert "电话回访：路面已修复，基本满意" in page.inner_text(".timeline")

    # Approve the extension from its queue.
    page.click(".oversight-nav a[href='/oversight']")
    open_from_queue(page, "extensions")
    with page.expect_navigation():
        page.click(f"a.row-link[href='/oversight/commitments/{desk.extension}']")
    with page.expect_navigation():
        page.click("#extension-approve")
    assert zh(app, "Extension approved: the deadline has moved.") in page.inner_text(".flashes")
    assert page.is_visible(".original-deadline")

    # Send the other claim back, with what is missing.
    page.click(".oversight-nav a[href='/oversight']")
    assert page.inner_text("[data-queue-tab=verify] .stat-value") == "1"
    with page.expect_navigation():
        page.click(f"a.row-link[href='/oversight/commitments/{desk.claimed}']")
    with page.expect_navigation():
        page.click("#reopen-submit")
    assert page.is_visible("#reopen-note-error")  # the note is required: nothing was sent back
    page.fill("#reopen-note", "暗访发现摊位仍在占道")
    with page.expect_navigation():
        page.click("#reopen-submit")
    assert zh(app, "Sent back: the department is working on it again.") in page.inner_text(".flashes")

    late, claimed, extension = reload(desk.late), reload(desk.claimed), reload(desk.extension)
    assert late.status is CommitmentStatus.VERIFIED and late.satisfaction.value == "basically_satisfied"
    assert late.attachments[0].public is True
    assert claimed.status is CommitmentStatus.IN_PROGRESS
    assert extension.extension_requests[0].status is ExtensionStatus.APPROVED
    assert extension.deadline == extension.original_deadline + timedelta(days=45)


def test_the_desk_on_a_phone(page, live_server, desk, login, screenshot):
    page.set_viewport_size(PHONE)
    login(page, desk.supervisor)
    assert page.is_visible("[data-queue-tab=verify]")
    screenshot(page, "oversight-desk-375")
    page.goto(f"/oversight/commitments/{desk.extension}")
    assert page.is_visible("#extension-approve")
    screenshot(page, "oversight-commitment-375")
    # Nothing wider than the screen but the table, which scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
