"""The on-air display in Chromium follows the producer: the board, the lower third, the
commitments roll and the preview, within a second of each change, with hostile text shown as
text, and with animations only where a change follows directly on the last one."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tracker.extensions import socketio
from tracker.realtime import LIVE, episode_room

from .display_helpers import CASES, SECOND, SMALL, has, make_show, open_display, snap, version_of, wait_until

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def show(api, make):
    return make_show(api, make)


def test_the_board_follows_the_running_order_within_a_second(page, show):
    open_display(page, show.id)
    featured, upcoming = page.locator("[data-featured]"), page.locator(".next-title")
    expect(page.locator(".idle-title")).to_have_text("聚焦城市建设")
    expect(upcoming).to_have_text(CASES[0][0])
    expect(page.locator("[data-slot='episode.number']").first).to_contain_text("45")

    show.act(f"rundown/{show.items[0]}/take")
    expect(featured.locator(".featured-title")).to_have_text(CASES[0][0], timeout=SECOND)
    expect(featured.locator("[data-slot='featured.location']")).to_have_text(CASES[0][1])
    expect(featured.locator(".chip")).to_have_text(["市住建局", "房县人民政府"])
    expect(upcoming).to_have_text(CASES[1][0])

    show.act(f"rundown/{show.items[2]}/standby")
    expect(upcoming).to_have_text(CASES[2][0], timeout=SECOND)

    show.commit(0, "李建国", "年底前打通幸福路东段")
    expect(page.locator(".promise-content")).to_have_text(["年底前打通幸福路东段"], timeout=SECOND)
    expect(page.locator(".promises-count")).to_contain_text("1")
    snap(page, "board")

    show.act("screen", {"cleared": True})
    expect(page.locator("body")).to_have_class(has("is-cleared"), timeout=SECOND)
    snap(page, "board-cleared")
    show.act("screen", {"cleared": False})
    expect(page.locator("body")).not_to_have_class(has("is-cleared"), timeout=SECOND)

    show.act(f"rundown/{show.items[2]}/take")
    expect(featured.locator(".featured-title")).to_have_text(CASES[2][0], timeout=SECOND)
    expect(page.locator(".promise-content")).to_have_count(0)
    expect(page.locator(".promises-count")).to_contain_text("1")  # the episode's count stays
    page.set_viewport_size(SMALL)
    snap(page, "board-1280x720")


def test_the_lower_third_shows_what_the_producer_chose(page, show):
    show.act(f"rundown/{show.items[0]}/take")
    commitment = show.commit(0, "李建国", "三个月内完成征迁协调，春节前实现通车")
    open_display(page, show.id, "layout=lower-third&transparent=1")
    band = page.locator("[data-lower-third]")
    expect(band).not_to_have_class(has("is-shown"))

    show.act("graphic", {"kind": "case"})
    expect(band).to_have_class(has("is-shown"), timeout=SECOND)
    expect(band.locator("[data-slot='lt.case.title']")).to_have_text(CASES[0][0])
    expect(band.locator("[data-slot='lt.case.departments']")).to_have_text("市住建局、房县人民政府")
    snap(page, "lower-third-case-transparent", transparent=True)

    show.act("graphic", {"kind": "commitment", "id": commitment})
    expect(band.locator("[data-slot='lt.commitment.content']")).to_have_text(
        "三个月内完成征迁协调，春节前实现通车", timeout=SECOND)
    expect(band.locator("[data-slot='lt.commitment.official']")).to_have_text("李建国 局长")
    expect(band.locator("[data-slot='lt.commitment.department']")).to_have_text("市住建局")
    expect(band.locator("[data-lt-case]")).to_be_hidden()
    snap(page, "lower-third-commitment-transparent", transparent=True)

    show.act("screen", {"cleared": True})
    expect(band).not_to_have_class(has("is-shown"), timeout=SECOND)
    show.act("screen", {"cleared": False})
    expect(band).to_have_class(has("is-shown"), timeout=SECOND)

    show.act("graphic", {"kind": "none"})
    expect(band).not_to_have_class(has("is-shown"), timeout=SECOND)

    open_display(page, show.id, "layout=lower-third")
    show.act("graphic", {"kind": "commitment", "id": commitment})
    expect(band).to_have_class(has("is-shown"), timeout=SECOND)
    snap(page, "lower-third-commitment")


def test_the_commitments_roll_lists_the_newest_first_and_pages_when_full(page, show):
    show.act(f"rundown/{show.items[0]}/take")
    for n in range(1, 10):
        show.commit(n % 3, f"官员{n}", f"第{n}项承诺：限期整改并向居民公示进展", f"2027-01-{n:02d}")
    open_display(page, show.id, "layout=commitments")
    rows = page.locator(".roll-item .roll-official")
    expect(rows).to_have_count(9)
    expect(rows.first).to_have_text("官员9 局长")
    pages = page.locator("[data-slot='roll.page']")
    expect(pages).not_to_be_empty()  # nine do not fit on one page
    items = page.locator(".roll-item")
    expect(items.first).not_to_have_class(has("is-off-page"))
    snap(page, "commitments")
    first_page = pages.text_content()
    expect(pages).not_to_have_text(first_page, timeout=12_000)  # the roll turns the page by itself
    expect(items.first).to_have_class(has("is-off-page"))
    show.commit(0, "李建国", "年底前打通幸福路东段")
    expect(rows.first).to_have_text("李建国 局长", timeout=SECOND)
    open_display(page, show.id, "layout=commitments&transparent=1")
    snap(page, "commitments-transparent", transparent=True)


def test_preview_shows_the_standby_item_as_it_would_look_on_air(page, show):
    show.act(f"rundown/{show.items[0]}/take")
    open_display(page, show.id, "mode=preview")
    expect(page.locator("[data-featured-idle] .idle-label")).to_be_visible()  # nothing on standby yet
    show.act(f"rundown/{show.items[1]}/standby")
    expect(page.locator(".featured-title")).to_have_text(CASES[1][0], timeout=SECOND)
    expect(page.locator(".next-title")).to_have_text(CASES[2][0])
    expect(page.locator(".preview-badge")).to_be_visible()
    snap(page, "board-preview")
    open_display(page, show.id, "layout=lower-third&mode=preview")
    expect(page.locator("[data-slot='lt.case.title']")).to_have_text(CASES[1][0])
    expect(page.locator("[data-lower-third]")).to_have_class(has("is-shown"))  # whatever air shows
    # The preview monitor keeps previewing while air is cleared.
    show.act("screen", {"cleared": True})
    wait_until(page, "Number(document.body.dataset.version) >= 6")
    expect(page.locator("body")).not_to_have_class(has("is-cleared"))


def test_a_hostile_title_is_shown_as_text(page, show, make):
    case = make.case(HOSTILE, summary=f"<script>alert(2)</script>{HOSTILE}", location="<b>bold</b>")
    item = show.producer.post(f"/api/v1/episodes/{show.id}/rundown", json={"case_id": case.id}).get_json()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_display(page, show.id)
    show.act(f"rundown/{item['id']}/take")
    expect(page.locator(".featured-title")).to_have_text(HOSTILE, timeout=SECOND)
    expect(page.locator(".featured-summary")).to_have_text(f"<script>alert(2)</script>{HOSTILE}")
    expect(page.locator("[data-slot='featured.location']")).to_have_text("<b>bold</b>")
    assert page.locator("[data-featured] img, [data-featured] script, [data-featured] b").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_a_first_snapshot_is_painted_without_animation(page, show):
    show.act(f"rundown/{show.items[0]}/take")
    open_display(page, show.id)
    assert page.locator(".is-entering").count() == 0
    assert "no-anim" not in page.evaluate("document.body.className")
    show.act(f"rundown/{show.items[1]}/take")  # the direct successor: this one is animated in
    expect(page.locator("[data-featured-body]")).to_have_class(has("is-entering"), timeout=SECOND)


def test_stale_states_are_ignored_and_a_version_gap_asks_for_a_resync(page, show):
    show.act(f"rundown/{show.items[0]}/take")
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(str(frame))))
    open_display(page, show.id)
    current = version_of(page)
    room = episode_room(show.id)

    socketio.emit("state", {"version": current - 1, "episode": {"id": show.id, "number": 45, "title": "旧的"},
                            "on_air": None, "standby": None, "queue": [], "commitments": [], "poll": None,
                            "graphic": {"kind": "none", "id": None}, "screen": {"cleared": True}},
                  namespace=LIVE, to=room)
    page.wait_for_timeout(500)
    assert version_of(page) == current
    expect(page.locator(".featured-title")).to_have_text(CASES[0][0])

    socketio.emit("patch", {"version": current + 5, "base_version": current + 4, "screen": {"cleared": True}},
                  namespace=LIVE, to=room)
    deadline = time.monotonic() + 3
    while not any('"resync"' in frame for frame in sent) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # and the answer to it has been painted
    assert any('"resync"' in frame for frame in sent), sent
    assert version_of(page) == current  # the resync answered with the real, unchanged state

    socketio.emit("patch", {"version": current + 1, "base_version": current, "screen": {"cleared": True}},
                  namespace=LIVE, to=room)
    expect(page.locator("body")).to_have_class(has("is-cleared"), timeout=SECOND)
    assert version_of(page) == current + 1
