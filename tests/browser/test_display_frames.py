"""The start and the end of a show, the straps on preview and program, and the presenter's
timer, as the displays show them in Chromium. States the backend does not make yet (a cued
strap, an auto-out, a quote) are pushed to the episode's room as a server would push them."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tracker.extensions import socketio
from tracker.live.state import build_state
from tracker.realtime import LIVE, episode_room

from .display_helpers import CASES, SECOND, has, make_show, open_display, snap, version_of

pytestmark = pytest.mark.browser

LAYOUTS = ["layout=board", "layout=lower-third", "layout=commitments", "layout=poll", "layout=timer",
           "mode=preview", "layout=lower-third&transparent=1"]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def push(app, page, episode_id: int, **changes) -> int:
    """Push the episode's real state with `changes`, one version ahead of what the page shows.

    The real changes after a push take a version the page has seen: a test pushes the real state
    again (no changes) to show them."""
    with app.app_context():
        state = build_state(episode_id)
    version = version_of(page) + 1
    graphic = {"kind": "none", "id": None, "item_id": None, "taken_at": None, "out_at": None, "preview": None}
    state.update({"version": version, "graphic": {**graphic, **state["graphic"], **changes.pop("graphic", {})},
                  **changes})
    socketio.emit("state", state, namespace=LIVE, to=episode_room(episode_id))
    return version


def visible_text(page) -> str:
    return page.locator("[data-stage]").inner_text()


@pytest.mark.parametrize("query", LAYOUTS)
def test_before_the_start_every_layout_says_starting_soon_never_on_air(page, api, make, query):
    show = make_show(api, make, started=False)
    show.act(f"rundown/{show.items[0]}/take")  # a rehearsal take: still not on air for the city
    open_display(page, show.id, query)
    frame = page.locator("[data-frame]")
    expect(frame).to_be_visible()
    expect(frame).to_contain_text("即将开始")
    expect(frame).to_contain_text("聚焦城市建设")
    assert "直播中" not in visible_text(page)
    assert CASES[0][0] not in visible_text(page)
    snap(page, f"frame-start-{query.replace('=', '-').replace('&', '-')}", transparent="transparent" in query)


def test_the_start_frame_counts_down_to_the_scheduled_start_on_the_servers_clock(page, app, api, make):
    show = make_show(api, make, started=False)
    open_display(page, show.id)
    starts = datetime.now(UTC) + timedelta(minutes=12, seconds=30)
    with app.app_context():
        episode = build_state(show.id)["episode"]
    push(app, page, show.id, episode={**episode, "scheduled_start": iso(starts)})
    countdown = page.locator("[data-slot='frame.countdown']")
    expect(countdown).to_have_text(re.compile(r"^12:(2\d|30)$"), timeout=SECOND)
    snap(page, "frame-start-countdown")
    # The show starts and the first case is taken: the frame goes, the board is on air.
    # (The pushed state above took the start's version number: the take's is the next news.)
    show.act("start")
    show.act(f"rundown/{show.items[0]}/take")
    expect(page.locator("[data-frame]")).to_be_hidden(timeout=SECOND)
    expect(page.locator(".featured-title")).to_have_text(CASES[0][0], timeout=SECOND)
    expect(page.locator(".tag-live").first).to_have_text("直播中")


@pytest.mark.parametrize("query", LAYOUTS)
def test_after_the_end_every_display_says_so_and_nothing_else(page, app, api, make, query):
    show = make_show(api, make)
    show.act(f"rundown/{show.items[0]}/take")
    commitment = show.commit(0, "李建国", "年底前打通幸福路东段")
    show.act("graphic", {"kind": "commitment", "id": commitment})
    open_display(page, show.id, query)
    show.act("end")
    frame = page.locator("[data-frame]")
    expect(frame).to_be_visible(timeout=SECOND)
    expect(frame).to_contain_text("本期节目结束")
    # Whatever else the state still holds (here: a case on air, a strap), none of it shows.
    push(app, page, show.id, graphic={"kind": "commitment", "id": commitment})
    page.wait_for_timeout(700)
    text = visible_text(page)
    for gone in ("直播中", CASES[0][0], CASES[1][0], "下一个问题", "年底前打通幸福路东段"):
        assert gone not in text, gone
    expect(page.locator(".lower-third.is-shown")).to_have_count(0)
    snap(page, f"frame-end-{query.replace('=', '-').replace('&', '-')}", transparent="transparent" in query)


@pytest.mark.parametrize("query", ["layout=poll", "layout=poll&transparent=1"])
def test_a_vote_open_at_the_end_leaves_the_screen_with_it_and_undo_cannot_bring_it_back(page, api, make, query):
    show = make_show(api, make)
    show.act(f"rundown/{show.items[0]}/take")
    show.act("polls", {})
    open_display(page, show.id, query)
    expect(page.locator("body")).not_to_have_class(has("has-no-poll"), timeout=SECOND)
    assert "扫码投票" in visible_text(page)
    show.act("end")
    expect(page.locator("[data-frame]")).to_contain_text("本期节目结束", timeout=SECOND)
    refused = show.producer.post(f"/api/v1/episodes/{show.id}/rundown/undo", json={})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "episode_ended"
    page.wait_for_timeout(700)
    expect(page.locator("body")).to_have_class(has("has-no-poll"))
    text = visible_text(page)
    for gone in ("扫码投票", "投票结果", CASES[0][0]):
        assert gone not in text, gone
    snap(page, f"frame-end-poll-{query.replace('=', '-').replace('&', '-')}", transparent="transparent" in query)


def test_a_strap_goes_from_preview_to_program_and_out(page, app, api, make):
    show = make_show(api, make)
    show.act(f"rundown/{show.items[0]}/take")
    commitment = show.commit(0, "李建国", "年底前打通幸福路东段", "2027-01-31")
    program = page
    open_display(program, show.id, "layout=lower-third")
    preview = program.context.new_page()
    open_display(preview, show.id, "layout=lower-third&mode=preview")
    band = "[data-lower-third]"

    # Cued: the preview shows it, air does not.
    push(app, preview, show.id, graphic={"preview": {"kind": "commitment", "id": commitment}})
    expect(preview.locator(f"{band} [data-slot='lt.commitment.content']")).to_have_text("年底前打通幸福路东段",
                                                                                      timeout=SECOND)
    expect(preview.locator(band)).to_have_class(has("is-shown"))
    expect(program.locator(band)).not_to_have_class(has("is-shown"))
    snap(preview, "strap-preview")

    # Taken: on air, with the official's name and title; the preview is empty again.
    show.act("graphic", {"kind": "commitment", "id": commitment})
    push(app, program, show.id)
    expect(program.locator(band)).to_have_class(has("is-shown"), timeout=SECOND)
    expect(program.locator(f"{band} [data-slot='lt.commitment.official']")).to_have_text("李建国 局长")

    # The quote: the verbatim words, attributed.
    push(app, program, show.id, graphic={"kind": "quote", "id": commitment, "item_id": show.items[0]},
         commitments=[{**c, "quote": "春节前一定打通"} for c in build_commitments(app, show.id)])
    expect(program.locator(f"{band} [data-slot='lt.quote.text']")).to_have_text("春节前一定打通", timeout=SECOND)
    expect(program.locator(f"{band} [data-slot='lt.quote.official']")).to_have_text("李建国 局长")
    expect(program.locator(f"{band} [data-lt-tag-quote]")).to_be_visible()
    snap(program, "strap-quote")

    # Corrected on air: a new state, and the strap says the corrected promise at once.
    push(app, program, show.id, graphic={"kind": "commitment", "id": commitment, "item_id": show.items[0]},
         commitments=[{**c, "content": "年底前打通幸福路东段并通公交"} for c in build_commitments(app, show.id)])
    expect(program.locator(f"{band} [data-slot='lt.commitment.content']")).to_have_text("年底前打通幸福路东段并通公交",
                                                                                      timeout=SECOND)
    # Out.
    show.act("graphic", {"kind": "none"})
    push(app, program, show.id)
    expect(program.locator(band)).not_to_have_class(has("is-shown"), timeout=SECOND)
    preview.close()


def build_commitments(app, episode_id: int) -> list[dict]:
    with app.app_context():
        return build_state(episode_id)["commitments"]


def test_a_strap_with_an_auto_out_goes_by_itself_on_the_servers_clock(page, app, api, make):
    show = make_show(api, make)
    show.act(f"rundown/{show.items[0]}/take")
    commitment = show.commit(0, "李建国", "年底前打通幸福路东段")
    open_display(page, show.id)  # the board shows the strap too
    out_at = datetime.now(UTC) + timedelta(seconds=2)
    push(app, page, show.id, graphic={"kind": "commitment", "id": commitment, "item_id": show.items[0],
                                      "out_at": iso(out_at)})
    strap = page.locator("[data-board-strap] [data-lower-third]")
    expect(strap).to_have_class(has("is-shown"), timeout=SECOND)
    snap(page, "board-strap")
    expect(strap).not_to_have_class(has("is-shown"), timeout=4 * SECOND)


def test_the_presenter_timer_counts_down_and_turns_red_when_over(page, app, api, make):
    show = make_show(api, make)
    show.act(f"rundown/{show.items[0]}/take")
    open_display(page, show.id, "layout=timer")
    clock = page.locator("[data-slot='timer.clock']")
    expect(clock).to_have_text(re.compile(r"^0[78]:[0-5]\d$"))  # 8 minutes planned, just started
    expect(page.locator(".timer-title")).to_have_text(CASES[0][0])
    expect(page.locator("[data-timer]")).to_have_attribute("data-timer", "left")
    snap(page, "timer")
    # 8 minutes planned, 7:58 on air before and 5 s since it came back: 3 s over, counting up, red.
    with app.app_context():
        state = build_state(show.id)
    on_air = {**state["on_air"], "actual_seconds": 478,
              "started_at": iso(datetime.now(UTC) - timedelta(seconds=5))}
    push(app, page, show.id, on_air=on_air)
    expect(clock).to_have_text(re.compile(r"^\+00:0[2-5]$"), timeout=SECOND)
    expect(page.locator("[data-timer]")).to_have_attribute("data-timer", "over")
    color = page.evaluate("getComputedStyle(document.querySelector('.timer-clock')).color")
    assert color == "rgb(239, 51, 70)"
    expect(page.locator("[data-timer-over]")).to_be_visible()
    snap(page, "timer-over")


def test_the_real_strap_endpoints_drive_preview_program_and_auto_out(page, api, make):
    """The same story through the backend's own endpoints: cue, take with an auto-out, gone."""
    show = make_show(api, make)
    show.act(f"rundown/{show.items[0]}/take")
    commitment = show.commit(0, "李建国", "年底前打通幸福路东段")
    open_display(page, show.id, "layout=lower-third")
    preview = page.context.new_page()
    open_display(preview, show.id, "layout=lower-third&mode=preview")
    band = "[data-lower-third]"
    show.act("graphic/preview", {"kind": "commitment", "id": commitment})
    expect(preview.locator(f"{band} [data-slot='lt.commitment.content']")).to_have_text("年底前打通幸福路东段",
                                                                                      timeout=SECOND)
    expect(page.locator(band)).not_to_have_class(has("is-shown"))
    show.act("graphic/take", {"auto_out_seconds": 2})
    expect(page.locator(band)).to_have_class(has("is-shown"), timeout=SECOND)
    expect(page.locator(f"{band} [data-slot='lt.commitment.content']")).to_have_text("年底前打通幸福路东段")
    expect(page.locator(band)).not_to_have_class(has("is-shown"), timeout=4 * SECOND)  # out by itself
    preview.close()
