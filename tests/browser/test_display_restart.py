"""A display whose server is killed (SIGKILL) and restarted mid-show comes back to the right
frame by itself: `tracker serve` for real, the data made through its CLI and JSON API."""
from __future__ import annotations

import json

import pytest
import requests
from playwright.sync_api import expect

from ..servers import TrackerServer
from .display_helpers import CASES, FULL_HD, version_of

pytestmark = [pytest.mark.browser, pytest.mark.server]


def producer_server(tmp_path) -> tuple[TrackerServer, str]:
    """A `tracker serve` (not started yet) with a department, a producer and the producer's token."""
    server = TrackerServer(tmp_path / "instance", env={"TRACKER_PASSWORD": "studio-password-1"})
    for command in (["init-db"], ["create-department", "ZJJ", "市住建局"],
                    ["create-user", "director", "--role", "producer"]):
        assert server.run_cli(*command).returncode == 0, command
    return server, server.run_cli("create-token", "director").stdout.strip().splitlines()[-1]


def test_a_display_whose_server_is_killed_and_restarted_comes_back_by_itself(request, page, tmp_path):
    server, token = producer_server(tmp_path)
    server.start()
    try:
        studio = Studio(server.url, token)
        episode = studio.post("/api/v1/episodes", {"title": "聚焦城市建设", "air_date": "2026-12-04", "number": 45})
        items = [studio.post(f"/api/v1/episodes/{episode['id']}/rundown", {"case_id": studio.case(title)})["id"]
                 for title, _location in CASES]
        studio.post(f"/api/v1/episodes/{episode['id']}/start")
        studio.post(f"/api/v1/episodes/{episode['id']}/rundown/{items[0]}/take")

        received: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(str(frame))))
        page.set_viewport_size(FULL_HD)
        page.goto(f"{server.url}/display/{episode['id']}")
        title = page.locator(".featured-title")
        expect(title).to_have_text(CASES[0][0], timeout=10_000)
        page.evaluate("window.__samePage = true")

        server.kill()  # SIGKILL to the whole process group: no goodbye to anyone
        expect(page.locator("body")).to_have_attribute("data-connection", "offline", timeout=10_000)
        page.wait_for_timeout(1_500)
        expect(title).to_have_text(CASES[0][0])  # the last good frame stays on air
        assert page.locator(".stage").inner_text().count("rror") == 0

        server.start()
        studio.post(f"/api/v1/episodes/{episode['id']}/rundown/{items[1]}/take")
        expect(title).to_have_text(CASES[1][0], timeout=20_000)
        expect(page.locator(".next-title")).to_have_text(CASES[2][0])
        assert page.evaluate("[window.__samePage, window.__displayLoads]") == [True, 1]  # never reloaded
        assert version_of(page) == studio.get(f"/api/v1/episodes/{episode['id']}/rundown")["version"]
        everything = "".join(received)
        assert mentions(everything, CASES[1][0])
        assert not mentions(everything, "张秀兰") and not mentions(everything, "13912345678")
    finally:
        server.kill()
        # Chromium itself reports each refused reconnect while the server was dead; that is
        # the outage this test makes on purpose, not a fault of the page.
        request.node.browser_problems[:] = [problem for problem in request.node.browser_problems
                                            if "/socket.io/" not in problem]


def mentions(frames: str, text: str) -> bool:
    """Whether websocket frames carry `text`, written as is or JSON-escaped (\\uXXXX)."""
    return text in frames or json.dumps(text)[1:-1] in frames


class Studio:
    """The producer's side of the real-server test: the JSON API with a bearer token."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict | None = None) -> dict:
        response = self.session.post(self.url + path, json=body or {}, timeout=10)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def get(self, path: str) -> dict:
        return self.session.get(self.url + path, timeout=10).json()

    def case(self, title: str) -> int:
        return self.post("/api/v1/cases", {"title": title, "summary": "居民多次反映，至今没有明确答复。",
                                           "department_codes": ["ZJJ"],
                                           "complainant": {"name": "张秀兰", "phone": "13912345678"}})["id"]
