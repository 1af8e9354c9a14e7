"""The on-air display as an output: transparent for OBS / vMix / CasparCG when asked, an opaque
studio screen otherwise, scaled to any window without a scrollbar, on the server's clock, and
listed (and remotely reloadable) on the producer's console."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import gettext

from .display_helpers import FULL_HD, SMALL, alpha_at, console_listing, make_show, open_display, version_of, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def show(api, make):
    return make_show(api, make)


def test_transparent_paints_nothing_but_the_graphic(page, show):
    show.act(f"rundown/{show.items[0]}/take")
    show.act("graphic", {"kind": "case"})
    open_display(page, show.id, "layout=lower-third&transparent=1")
    backgrounds = page.evaluate("""[getComputedStyle(document.documentElement).backgroundColor,
                                    getComputedStyle(document.body).backgroundColor]""")
    assert backgrounds == ["rgba(0, 0, 0, 0)", "rgba(0, 0, 0, 0)"]
    page.wait_for_timeout(900)
    width, height = FULL_HD["width"], FULL_HD["height"]
    for corner in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1), (width // 2, height // 3)]:
        assert alpha_at(page, *corner) == 0, corner
    # … while the band itself is painted, opaque.
    box = page.locator(".lt-band").bounding_box()
    assert alpha_at(page, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2) == 255


def test_opaque_is_a_studio_screen(page, show):
    open_display(page, show.id)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"
    assert alpha_at(page, 0, 0) == 255 and alpha_at(page, FULL_HD["width"] - 1, FULL_HD["height"] - 1) == 255
    assert page.evaluate("getComputedStyle(document.body).cursor") == "none"


@pytest.mark.parametrize("layout", ["board", "lower-third", "commitments", "poll"])
@pytest.mark.parametrize("viewport", [SMALL, FULL_HD, {"width": 1000, "height": 1000}])
def test_no_scrollbars_and_the_stage_fits_the_window(page, show, layout, viewport):
    show.act(f"rundown/{show.items[0]}/take")
    open_display(page, show.id, f"layout={layout}", viewport)
    sizes = page.evaluate("""({scrollWidth: document.documentElement.scrollWidth,
                               scrollHeight: document.documentElement.scrollHeight,
                               bodyWidth: document.body.scrollWidth, bodyHeight: document.body.scrollHeight,
                               stage: document.querySelector('[data-stage]').getBoundingClientRect().toJSON()})""")
    assert (sizes["scrollWidth"], sizes["scrollHeight"]) == (viewport["width"], viewport["height"])
    assert (sizes["bodyWidth"], sizes["bodyHeight"]) == (viewport["width"], viewport["height"])
    stage = sizes["stage"]
    scale = min(viewport["width"] / 1920, viewport["height"] / 1080)
    assert stage["width"] == pytest.approx(1920 * scale, abs=1)
    assert stage["height"] == pytest.approx(1080 * scale, abs=1)
    assert stage["x"] == pytest.approx((viewport["width"] - stage["width"]) / 2, abs=1)  # letterboxed, centred
    assert stage["y"] == pytest.approx((viewport["height"] - stage["height"]) / 2, abs=1)


def test_clocks_use_the_servers_time_not_the_local_one(page, show):
    # This machine's clock is three hours fast: the display must not care.
    page.add_init_script("{ const real = Date.now.bind(Date); Date.now = () => real() + 3 * 3600 * 1000; }")
    show.act(f"rundown/{show.items[0]}/take")
    open_display(page, show.id)
    page.wait_for_timeout(1200)  # the `time` answer has come back
    hours, minutes, seconds = map(int, page.locator(".masthead-clock").text_content().split(":"))
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    apart = (hours * 3600 + minutes * 60 + seconds - (now.hour * 3600 + now.minute * 60 + now.second)) % 86_400
    assert min(apart, 86_400 - apart) < 5  # Beijing time as the server tells it, not three hours ahead
    elapsed = page.locator("[data-slot='featured.elapsed']").text_content()  # "MM:SS" since the take
    assert len(elapsed) == 5 and int(elapsed[:2]) == 0, elapsed


def test_the_console_can_reload_a_display(page, live_server, show, api):
    open_display(page, show.id, "name=大屏2")
    assert page.evaluate("window.__displayLoads") == 1
    console, presence = console_listing(live_server, show.id, api.make.token(show.producer.user))
    try:
        [screen] = [c for c in presence[-1] if c["kind"] == "display"]
        assert screen["name"] == "大屏2" and screen["online"] and screen["layout"] == "board"
        assert screen["version"] == version_of(page)  # what it reported with `applied`
        assert console.call("reload_display", {"key": screen["key"]}, namespace="/control", timeout=5) == {"ok": True}
        wait_until(page, "window.__displayLoads === 2 && document.body.dataset.version !== undefined", timeout=10)
    finally:
        console.disconnect()


def test_a_display_without_a_name_is_listed_by_its_key(page, live_server, show, api, app):
    open_display(page, show.id, "layout=commitments")
    stored = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tracker.display.key'))")
    console, presence = console_listing(live_server, show.id, api.make.token(show.producer.user))
    try:
        [screen] = [c for c in presence[-1] if c["kind"] == "display"]
        key = page.evaluate(f"localStorage.getItem({json.dumps(stored[0])})")
        with app.test_request_context():
            assert screen["name"] == f"{gettext('Display')}-{key[:4]}"
        assert screen["key"] == f"display:{key}" and screen["layout"] == "commitments"
    finally:
        console.disconnect()
    # The same browser comes back as the same display.
    open_display(page, show.id, "layout=commitments")
    assert page.evaluate(f"localStorage.getItem({json.dumps(stored[0])})") == key
