"""What the display's browser tests share: a show to drive, and ways to look at the page."""
from __future__ import annotations

import re
import struct
import time
import zlib
from types import SimpleNamespace

from playwright.sync_api import Error as PlaywrightError
from socketio import Client as SocketClient

from .conftest import SCREENSHOTS

FULL_HD = {"width": 1920, "height": 1080}
SMALL = {"width": 1280, "height": 720}
# ms. "The display follows within a second" is measured in bench/ on a quiet machine; a test
# checks that it follows at all, with room for a loaded CI machine (two workers, Chromium, servers).
SECOND = 3_000
CASES = [("幸福路断头路十年未打通，居民绕行三公里", "房县城关镇幸福路"), ("城东商业街转供电加价收费", "城东商业街"),
         ("阳光小区物业撤场无人管理", "阳光小区")]


def make_show(api, make, *, started: bool = True) -> SimpleNamespace:
    """An episode with three cases in its running order and a producer to drive it; live unless
    `started` is False (before the start every display shows the "starting soon" frame)."""
    producer = api.as_role("producer")
    zjj, county = make.department("ZJJ", "市住建局"), make.department("FX", "房县人民政府")
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04",
                                                      "number": 45}).get_json()
    cases, items = [], []
    for title, location in CASES:
        case = make.case(title, departments=[zjj, county], location=location, complainant_name="张秀兰",
                         complainant_phone="13912345678", summary="居民多次通过12345热线反映，至今没有明确答复。")
        item = producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id, "planned_seconds": 480})
        cases.append(case)
        items.append(item.get_json()["id"])
    if started:
        assert producer.post(f"/api/v1/episodes/{episode['id']}/start", json={}).status_code == 200

    def act(path: str, body: dict | None = None) -> dict:
        response = producer.post(f"/api/v1/episodes/{episode['id']}/{path}", json=body or {})
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def commit(case_index: int, official: str, content: str, deadline: str = "2027-01-31") -> int:
        response = producer.post("/api/v1/commitments", json={
            "episode_id": episode["id"], "case_id": cases[case_index].id, "department_code": "ZJJ",
            "official_name": official, "official_title": "局长", "content": content, "deadline": deadline})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    return SimpleNamespace(id=episode["id"], items=items, cases=cases, act=act, commit=commit, producer=producer)


def has(css_class: str) -> re.Pattern:
    """For expect(...).to_have_class: the element has this class, among others."""
    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")


def open_display(page, episode_id: int, query: str = "", viewport: dict = FULL_HD):
    page.set_viewport_size(viewport)
    page.goto(f"/display/{episode_id}{'?' + query if query else ''}")
    page.wait_for_selector("body[data-version]")
    return page


def wait_until(page, expression: str, timeout: float = 5) -> None:
    """Poll a JavaScript expression (wait_for_function would need 'unsafe-eval', which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:  # the page is navigating (a reload): ask again
            pass
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout} s: {expression}")


def version_of(page) -> int:
    return int(page.evaluate("document.body.dataset.version"))


def snap(page, name: str, *, transparent: bool = False) -> None:
    """Screenshots for people to look at, after any transition has settled."""
    page.wait_for_timeout(900)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"display-{name}.png"), omit_background=transparent)


def console_listing(live_server, episode_id: int, token: str) -> tuple[SocketClient, list[list[dict]]]:
    """A producer's console on /control, over a real websocket; and the presence lists it receives."""
    presence: list[list[dict]] = []
    console = SocketClient(reconnection=False)
    console.on("presence", lambda data: presence.append(data["clients"]), namespace="/control")
    console.connect(live_server.url, namespaces=["/control"], transports=["websocket"], wait_timeout=10,
                    auth={"episode": episode_id, "token": token})
    deadline = time.monotonic() + 5
    while not presence and time.monotonic() < deadline:
        time.sleep(0.05)
    return console, presence


def alpha_at(page, x: float, y: float) -> int:
    """The alpha of one pixel of a screenshot taken without the browser's default white."""
    clip = {"x": int(x), "y": int(y), "width": 1, "height": 1}
    return Png(page.screenshot(clip=clip, omit_background=True)).alpha(0, 0)


class Png:
    """Just enough of PNG to read a pixel's alpha from an 8-bit RGB(A) screenshot."""

    def __init__(self, data: bytes) -> None:
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        chunks, offset = {}, 8
        while offset < len(data):
            (length,), kind = struct.unpack(">I", data[offset:offset + 4]), data[offset + 4:offset + 8]
            chunks.setdefault(kind, []).append(data[offset + 8:offset + 8 + length])
            offset += 12 + length
        self.width, self.height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][0][:10])
        assert depth == 8 and color in (2, 6), "expected 8-bit RGB or RGBA"
        self.channels = 4 if color == 6 else 3  # Chromium leaves alpha out of a fully opaque image
        raw, stride = zlib.decompress(b"".join(chunks[b"IDAT"])), self.width * self.channels
        self.rows: list[bytearray] = []
        previous = bytearray(stride)
        for y in range(self.height):
            start = y * (stride + 1)
            row = self._unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), previous, self.channels)
            self.rows.append(row)
            previous = row

    @staticmethod
    def _unfilter(kind: int, row: bytearray, up: bytearray, step: int) -> bytearray:
        for i in range(len(row)):
            left = row[i - step] if i >= step else 0
            corner = up[i - step] if i >= step else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up[i]) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up[i]) // 2) & 0xFF
            elif kind == 4:
                p = left + up[i] - corner
                pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - corner)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner)) & 0xFF
        return row

    def alpha(self, x: int, y: int) -> int:
        return self.rows[y][x * 4 + 3] if self.channels == 4 else 255
