"""A co-responsible department (配合单位) in a real browser: it reads the lead's commitment,
marked, with no form to act on it, and reads the copy (抄送) of the assignment letter."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.commitments import rules
from tracker.commitments import service as commitment_service
from tracker.extensions import db
from tracker.letters import service as letters
from tracker.models import EpisodeStatus

pytestmark = pytest.mark.browser


def test_the_co_department_reads_marked_and_cannot_act(page, live_server, make, login, screenshot):
    zjj, jtj = make.department("ZJJ", "市住建局"), make.department("JTJ", "市交通局")
    case = make.case("幸福路断头路十年未通", departments=[zjj, jtj])
    episode = make.episode(44, "城市建设回头看", date(2026, 11, 27))
    commitment, _ = commitment_service.record(
        {"episode_id": episode.id, "case_id": case.id, "department_code": "ZJJ", "official_name": "李建国",
         "official_title": "局长", "content": "两周内完成征迁协调，年底前打通幸福路",
         "deadline": rules.today() - timedelta(days=2)}, None)
    episode.status = EpisodeStatus.ENDED
    db.session.commit()
    letter, = letters.issue_letters(episode.id, None)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, make.user("department", department=jtj))

    assert page.locator("tr[data-commitment]").count() == 0
    row = page.locator(f"tr[data-supported='{commitment.id}']")
    assert "配合" in row.inner_text() and "市住建局" in row.inner_text()
    screenshot(page, "dept-co-responsible-list")

    row.locator("a").click()
    page.wait_for_url(f"**/dept/commitments/{commitment.id}")
    assert page.locator(".co-responsible-notice").is_visible()
    assert page.locator("form[action*='/dept/commitments/']").count() == 0
    screenshot(page, "dept-co-responsible-detail")

    page.goto(live_server.at("/dept/letters"))
    assert "抄送件" in page.inner_text(f"tr[data-letter='{letter.id}']")
    page.click(f"tr[data-letter='{letter.id}'] a")
    page.wait_for_url(f"**/dept/letters/{letter.id}")
    assert page.inner_text(".letter-cc") == "抄送：市交通局"
    screenshot(page, "dept-co-responsible-letter")
