"""The audience vote in Chromium: the producer opens it from the console with V, phones at 375 px
vote, the `poll` display shows the tally within a second, V closes it, a ballot that crosses the
close is refused on the phone, and the result stays. Screenshots for the README."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS
from .display_helpers import FULL_HD, SECOND, has, make_show, open_display, wait_until

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
README_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BALLOTS = re.compile(r"/api/v1/polls/\d+/ballots")


class Phones:
    """Phones in the studio: each its own browser context (its own cookies: its own device)."""

    def __init__(self, browser, live_server) -> None:
        self.browser, self.live_server = browser, live_server
        self.contexts, self.problems = [], []

    def open(self, episode_id: int, locale: str = "zh-CN"):
        context = self.browser.new_context(base_url=self.live_server.url, viewport=PHONE, locale=locale,
                                           is_mobile=True, has_touch=True, device_scale_factor=2)
        self.contexts.append(context)
        phone = context.new_page()
        phone.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        phone.on("console", self._console)
        phone.goto(f"/vote/{episode_id}")
        return phone

    def _console(self, message) -> None:
        # A refused ballot (the test provokes one) is a response the page handles, not a fault.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        assert not self.problems, self.problems


@pytest.fixture
def phones(browser, live_server):
    crowd = Phones(browser, live_server)
    yield crowd
    crowd.close()


@pytest.fixture
def show(api, make, live_server):
    show = make_show(api, make)
    show.act(f"rundown/{show.items[0]}/take")
    show.act(f"rundown/{show.items[1]}/standby")
    show.director = make.user("producer", username="director")
    return show


def vote(phone, label: str) -> None:
    with phone.expect_response(BALLOTS) as answer:
        phone.get_by_role("button", name=label, exact=True).click()
    assert answer.value.status == 202
    expect(phone.locator("[data-notice]")).to_have_text(f"已投票：{label}")


def bar(display, choice: str):
    return display.locator(f'[data-bar="{choice}"] [data-pct]')


def test_a_vote_from_the_console_key_to_the_phones_and_the_screen(page, browser, live_server, login, show, phones):
    display = page.context.browser.new_context(base_url=live_server.url, viewport=FULL_HD,
                                               locale="zh-CN").new_page()
    open_display(display, show.id, "layout=poll")
    expect(display.locator("body")).to_have_class(has("has-no-poll"))

    # The producer opens the vote with V on the case on air.
    page.set_viewport_size(FULL_HD)
    login(page, show.director)
    page.goto(f"/studio/episodes/{show.id}")
    expect(page.locator("[data-connection='online']")).to_be_visible(timeout=5 * SECOND)
    early = phones.open(show.id)
    expect(early.locator("body")).to_have_attribute("data-state", "idle")
    page.keyboard.press("v")
    panel = page.locator("[data-vote-panel]")
    expect(panel).to_have_class(has("is-open"), timeout=SECOND)
    expect(panel.locator("[data-vote-status]")).to_contain_text(show.cases[0].title)

    # The screen: the case, the QR code, empty bars. The phone already open follows by itself.
    expect(display.locator("body")).not_to_have_class(has("has-no-poll"), timeout=SECOND)
    expect(display.locator("[data-slot='poll.title']")).to_have_text(show.cases[0].title)
    expect(display.locator("[data-poll-qr] img")).to_be_visible(timeout=2 * SECOND)
    expect(early.locator("body")).to_have_attribute("data-state", "open", timeout=SECOND)
    expect(early.locator("[data-slot=title]")).to_have_text(show.cases[0].title)
    assert "张秀兰" not in early.content() and "13912345678" not in early.content()

    # Phones vote; each ballot is on the screen (and in the console) within a second.
    crowd = [early, phones.open(show.id), phones.open(show.id)]
    vote(crowd[0], "满意")
    expect(bar(display, "satisfied")).to_have_text("100%", timeout=SECOND)
    vote(crowd[1], "满意")
    vote(crowd[2], "不满意")
    expect(bar(display, "unsatisfied")).to_have_text("33%", timeout=SECOND)
    expect(bar(display, "satisfied")).to_have_text("67%")
    expect(display.locator("[data-slot='poll.total']")).to_have_text("共 3 票")
    expect(panel.locator('[data-vote-bar="unsatisfied"] [data-figure]')).to_have_text("1 · 33%", timeout=SECOND)
    # A phone that voted sees the live tally; a change of mind replaces its ballot.
    expect(crowd[0].locator("[data-tally]")).to_be_visible()
    vote(crowd[2], "基本满意")
    expect(bar(display, "basically_satisfied")).to_have_text("33%", timeout=SECOND)
    expect(bar(display, "unsatisfied")).to_have_text("0%")
    expect(crowd[0].locator('[data-row="basically_satisfied"] [data-pct]')).to_have_text("33%", timeout=SECOND)
    crowd[1].wait_for_timeout(500)  # the bars' transitions
    phone_shot, board_shot = take(crowd[1], "vote-phone"), take(display, "poll-board")
    if os.environ.get("TRACKER_UPDATE_README_SHOTS"):  # the README's pictures change only when asked
        shutil.copy(phone_shot, README_SHOTS / "vote-phone.png")
        shutil.copy(board_shot, README_SHOTS / "poll-board.png")
    take(page, "console-vote")

    # A phone whose live channel is stalled still shows the vote open when it closes.
    late = phones.open(show.id)
    expect(late.locator("body")).to_have_attribute("data-state", "open")
    stall_live(late)

    # V again closes it: the final result on the screen, beside the case.
    page.keyboard.press("v")
    expect(panel).not_to_have_class(has("is-open"), timeout=SECOND)
    expect(display.locator("body")).to_have_class(has("is-poll-closed"), timeout=SECOND)
    expect(display.locator("[data-poll-result]")).to_be_visible()
    expect(display.locator("[data-poll-scan]")).to_be_hidden()
    expect(bar(display, "satisfied")).to_have_text("67%")
    expect(crowd[1].locator("[data-closed]")).to_be_visible(timeout=SECOND)
    expect(crowd[1].locator("[data-choices]")).to_be_hidden()
    display.wait_for_timeout(500)
    take(display, "poll-board-result")

    # The late ballot is refused, and the phone says so.
    with late.expect_response(BALLOTS) as answer:
        late.get_by_role("button", name="不满意", exact=True).click()
    assert answer.value.status == 409
    expect(late.locator("[data-notice]")).to_contain_text("未计入")
    expect(late.locator("[data-closed]")).to_be_visible()
    expect(late.locator('[data-row="satisfied"] [data-pct]')).to_have_text("67%")  # the final result, asked for
    take(late, "vote-phone-late")

    # The result is kept: the public episode page shows it.
    display.context.close()
    page.goto(f"/episodes/{show.id}")
    expect(page.locator("body")).to_contain_text("67%")


def stall_live(phone) -> dict:
    """From now on, hold back what the server pushes to this phone (a stalled mobile network)."""
    link = {"stalled": False}

    def route(ws) -> None:
        server = ws.connect_to_server()
        server.on_message(lambda message: None if link["stalled"] else ws.send(message))

    phone.route_web_socket(re.compile(r"/socket\.io/"), route)
    phone.reload()
    expect(phone.locator("body")).to_have_attribute("data-state", "open")
    wait_until(phone, "document.querySelector('[data-status]').textContent === ''")
    link["stalled"] = True
    return link


def take(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_the_lower_third_and_english_phones(page, browser, live_server, show, phones):
    show.act("polls", {"item_id": show.items[1]})  # the standby case this time
    open_display(page, show.id, "layout=poll&transparent=1")
    expect(page.locator("[data-slot='poll.title']")).to_have_text(show.cases[1].title)
    expect(page.locator("html")).to_have_class(has("is-transparent"))
    phone = phones.open(show.id, locale="en")
    phone.goto(f"/vote/{show.id}?lang=en")
    expect(phone.get_by_role("button", name="Basically satisfied", exact=True)).to_be_visible()
    with phone.expect_response(BALLOTS):
        phone.get_by_role("button", name="Basically satisfied", exact=True).click()
    expect(phone.locator("[data-notice]")).to_have_text("Your vote is counted: Basically satisfied")
    expect(page.locator('[data-bar="basically_satisfied"] [data-pct]')).to_have_text("100%", timeout=SECOND)
    take(page, "poll-lower-third")


def test_with_the_rotating_code_the_qr_code_turns_and_a_phone_needs_the_code(page, live_server, show, phones,
                                                                             monkeypatch):
    from tracker.live.display_tokens import issue_display_token
    from tracker.models import utcnow
    from tracker.polls import codes

    monkeypatch.setattr(codes, "WINDOW_SECONDS", 2)  # the same process serves the page: turn fast
    with live_server.app.app_context():
        _record, token = issue_display_token("大屏1")
    poll = show.act("polls", {"code_mode": "rotating"})
    open_display(page, show.id, f"layout=poll&token={token}")
    qr = page.locator("[data-poll-qr] img")
    expect(qr).to_be_visible(timeout=2 * SECOND)
    first = qr.get_attribute("src")
    expect(qr).not_to_have_attribute("src", first, timeout=4 * SECOND)  # a new code, a new QR code

    # A phone without the code is asked for it; a wrong one is refused; the screen's is taken.
    phone = phones.open(show.id)
    expect(phone.locator("[data-code-field]")).to_be_visible()
    phone.fill("#code", "WRONG1")
    with phone.expect_response(BALLOTS) as answer:
        phone.get_by_role("button", name="满意", exact=True).click()
    assert answer.value.status == 422
    expect(phone.locator("[data-notice]")).to_contain_text("验证码")
    with live_server.app.app_context():
        code = codes.rotating_code(poll["id"], utcnow())
    phone.fill("#code", code)
    vote(phone, "满意")
    expect(bar(page, "satisfied")).to_have_text("100%", timeout=SECOND)


def test_the_poll_display_and_a_phone_are_right_again_after_the_network_returns(request, page, app, show, phones):
    poll = show.act("polls", {})
    open_display(page, show.id, "layout=poll")
    expect(page.locator("[data-poll-qr] img")).to_be_visible(timeout=2 * SECOND)
    phone = phones.open(show.id)
    expect(phone.locator("body")).to_have_attribute("data-state", "open")

    page.context.set_offline(True)
    phone.context.set_offline(True)
    for choice in ("satisfied", "unsatisfied", "unsatisfied", "unsatisfied"):
        assert app.test_client().post(f"/api/v1/polls/{poll['id']}/ballots", json={"choice": choice}).status_code == 202
    show.producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    page.wait_for_timeout(1_000)
    page.context.set_offline(False)
    phone.context.set_offline(False)

    expect(page.locator("body")).to_have_class(has("is-poll-closed"), timeout=2 * SECOND)
    expect(bar(page, "unsatisfied")).to_have_text("75%")
    expect(page.locator("[data-slot='poll.total']")).to_have_text("共 4 票")
    expect(phone.locator("[data-closed]")).to_be_visible(timeout=6 * SECOND)  # the phone's backoff: up to 5 s
    expect(phone.locator('[data-row="unsatisfied"] [data-pct]')).to_have_text("75%")
    request.node.browser_problems[:] = [problem for problem in request.node.browser_problems
                                        if "/socket.io/" not in problem and "ERR_INTERNET_DISCONNECTED" not in problem
                                        and "qr.svg" not in problem]


def test_the_printable_sheet_has_the_qr_code_and_seat_cards(page, login, show):
    login(page, show.director)
    page.goto(f"/studio/episodes/{show.id}/vote-sheet")
    expect(page.locator(".poster-qr svg")).to_be_visible()
    expect(page.locator(".card")).to_have_count(40)
    take(page, "vote-sheet")
