"""Assignment letters in a real browser: the toolbar on screen, clean A4 pages on paper."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from tracker.extensions import db
from tracker.letters import service
from tracker.models import EpisodeStatus

from ..commitment_data import Commitments
from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def issued(make):
    """Episode 42's letters: 市住建局 with eight commitments (two pages), 供电公司 with one."""
    zjj, power = make.department("ZJJ", "市住房和城乡建设局"), make.department("GDGS", "国网十堰供电公司")
    episode = make.episode(42, "民生用电与城市建设", date(2026, 11, 27))
    episode.status = EpisodeStatus.ENDED
    db.session.commit()
    commitments = Commitments(make)
    for n in range(8):
        commitments.create(zjj, episode=episode, deadline=date(2026, 12, 10 + n),
                           content=f"第{n + 1}项：{n + 10}日内组织专班上门核查，整改到位并向来电群众反馈办理结果")
    commitments.create(power, episode=episode, content="两周内完成转改直，清退多收电费", deadline=date(2026, 12, 11))
    letters = service.issue_letters(episode.id, None)
    return {"episode": episode, "letters": {letter.department.code: letter.id for letter in letters}}


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_a_letter_prints_on_a4_without_its_toolbar(page, login, make, issued, screenshot):
    login(page, make.user("supervisor"))
    page.goto(f"/oversight/letters/{issued['letters']['GDGS']}")
    toolbar = page.locator(".letter-toolbar")
    assert toolbar.is_visible() and page.get_by_role("button", name="打印").is_visible()
    assert "〔" in page.locator(".letter-number").inner_text()
    assert page.locator(".letter-addressee").inner_text() == "国网十堰供电公司："
    screenshot(page, "letter-screen")
    page.emulate_media(media="print")
    assert not toolbar.is_visible()
    screenshot(page, "letter-print-media")
    pdf = page.pdf(format="A4")
    render(pdf, "letter")
    assert pdf_pages(pdf) == 1


def test_every_letter_of_an_episode_starts_a_new_page(page, login, make, issued):
    login(page, make.user("supervisor"))
    page.goto(f"/oversight/letters/episodes/{issued['episode'].id}")
    assert page.locator("article.letter").count() == 2
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    # 市住建局's eight commitments take two pages; 供电公司's letter starts on a page of its own.
    render(pdf, "letters-episode")
    assert pdf_pages(pdf) == 3


def test_the_print_button_opens_the_print_dialog(page, login, make, issued):
    login(page, make.user("supervisor"))
    page.goto(f"/oversight/letters/{issued['letters']['ZJJ']}")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") is True
    page.get_by_role("link", name=re.compile("返回")).click()
    page.wait_for_url(re.compile(r"/oversight/letters#episode-"))


def render(pdf: bytes, name: str) -> None:
    """The PDF and, where poppler is installed, its pages as PNG (for people to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(SCREENSHOTS / name)], check=True, timeout=60)


def test_a_supervisor_issues_the_letters_from_the_desk(page, login, make, issued, screenshot):
    later = make.episode(43, "物业管理大家谈", date(2026, 12, 4))
    later.status = EpisodeStatus.ENDED
    Commitments(make).create(make.department("CGJ", "市城管局"), episode=later, content="一周内清理占道经营")
    login(page, make.user("supervisor"))
    page.goto("/oversight/letters")
    section = page.locator(f"#episode-{later.id}")
    with page.expect_navigation():
        section.get_by_role("button").click()
    assert section.locator("tbody tr").count() == 1 and "市城管局" in section.inner_text()
    assert "〔" in section.locator("tbody td").first.inner_text()
    screenshot(page, "letters-desk")
