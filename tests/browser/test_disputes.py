"""The citizen's voice in a real browser: a follower says a verified commitment is not resolved,
through the mailed link; a supervisor reopens it from the queue 群众反映未解决; the public page
shows it back in progress, with the reason."""
from __future__ import annotations

import re

import pytest

from tracker.models import CommitmentStatus

from ..commitment_data import Commitments, reload
from ..voice_data import MASKED_PHONE, PHONE, follower, mails
from .test_accessibility import violations

pytestmark = pytest.mark.browser

EMAIL = "wang@example.com"
STATEMENT = f"路灯还是不亮，晚上一片漆黑。电话{PHONE}"
REASON = "暗访核实路灯仍不亮，责成市住建局重新办理"


@pytest.fixture
def verified(app, make):
    zjj = make.department("ZJJ", "市住建局")
    commitment = Commitments(make).create(zjj, status="verified", content="月底前修复幸福路路灯")
    follower(commitment.id, EMAIL)
    return commitment.id, make.user("supervisor")


def test_dispute_then_reopen_through_the_pages(page, live_server, verified, login, screenshot):
    commitment_id, supervisor = verified
    live_server.app.config["BASE_URL"] = live_server.url

    # The follower asks for the link on the public page.
    page.goto(f"/commitments/{commitment_id}")
    assert violations(page) == []
    page.fill(f"#dispute-email-{commitment_id}", EMAIL)
    with page.expect_navigation():
        page.click(".dispute-form button[type=submit]")
    assert "如果该地址已确认关注此承诺" in page.inner_text("[role=status]")

    # … opens it from the mail, and writes what is still wrong.
    link = re.search(r"https?://\S+/dispute/\S+", mails("dispute_link")[-1].text_body).group(0)
    page.goto(link)
    assert violations(page) == []
    page.fill("textarea[name=statement]", STATEMENT)
    screenshot(page, "dispute-statement")
    with page.expect_navigation():
        page.click(".dispute-statement-form [type=submit]")
    assert page.inner_text("h1") == "已提交督查部门"

    page.goto(f"/commitments/{commitment_id}")
    record = page.inner_text("#disputes")
    assert "群众反映未解决（待答复）" in record and MASKED_PHONE in record and PHONE not in page.content()
    screenshot(page, "dispute-public-record")
    assert violations(page) == []

    # The supervisor reopens it from the queue, with a public reason.
    login(page, supervisor)
    page.goto("/oversight/disputes")
    assert STATEMENT in page.inner_text(".dispute-item")
    assert violations(page) == []
    page.fill(".dispute-item textarea[name$=public_reason]", REASON)
    screenshot(page, "dispute-queue")
    with page.expect_navigation():
        page.click(".dispute-item input[name$=reopen]")
    assert "已重新办理" in page.inner_text(".flashes")
    assert "暂无群众反映" in page.inner_text("main")

    # The public sees it back in progress, and why.
    page.goto(f"/commitments/{commitment_id}")
    assert page.inner_text(".commitment-badges .badge").strip() == "办理中"
    timeline = page.inner_text(".timeline")
    assert "因群众反映未解决重新办理" in timeline and REASON in timeline
    assert "群众反映未解决（已重新办理）" in page.inner_text("#disputes")
    screenshot(page, "dispute-reopened-public")
    assert reload(commitment_id).status is CommitmentStatus.IN_PROGRESS
