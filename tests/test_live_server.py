"""The live push against the real server: `tracker serve` (gunicorn, gevent) and a Socket.IO client."""
from __future__ import annotations

import json
import os
import threading
import time

import pytest
import redis
import requests
import socketio

from .databases import missing_service
from .servers import TrackerServer

pytestmark = pytest.mark.server

COMPLAINANT_NAME = "隐私测试人甲"
COMPLAINANT_PHONE = "13912345678"


class Viewer:
    """A python-socketio client on /live that records every state it receives or, from a `patch`
    on the state it holds, makes; a patch on another version asks for the whole state (`resync`),
    as the display's client does."""

    def __init__(self, url: str, episode_id: int) -> None:
        self.states: list[dict] = []
        self.raw: list[str] = []
        self.arrived = threading.Condition()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.on("state", self._on_state, namespace="/live")
        self.client.on("patch", self._on_patch, namespace="/live")
        self.patches = 0
        self.client.connect(url, namespaces=["/live"], transports=["websocket"], auth={"episode": episode_id},
                            wait_timeout=10)

    def _on_state(self, state: dict) -> None:
        with self.arrived:
            self.states.append(state)
            self.raw.append(json.dumps(state, ensure_ascii=False))
            self.arrived.notify_all()

    def _on_patch(self, patch: dict) -> None:
        with self.arrived:
            self.patches += 1
            held = self.states[-1] if self.states else None
            if held is None or held["version"] != patch["base_version"]:
                self.client.emit("resync", namespace="/live")
                return
            changes = {part: value for part, value in patch.items() if part != "base_version"}
        self._on_state({**held, **changes})

    def wait_for(self, predicate, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                match = next((s for s in reversed(self.states) if predicate(s)), None)
                if match is not None:
                    return match
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no matching state in {timeout}s; last: {self.states[-1:]}")
                self.arrived.wait(remaining)

    def close(self) -> None:
        self.client.disconnect()


def prepare(srv: TrackerServer) -> str:
    """Schema, a department and a producer through the CLI; the producer's API token."""
    for args in (["init-db"], ["create-department", "ZJJ", "市住建局"]):
        assert srv.run_cli(*args).returncode == 0
    srv.env["TRACKER_PASSWORD"] = "producer-pass-1"
    assert srv.run_cli("create-user", "producer", "--role", "producer").returncode == 0
    return srv.run_cli("create-token", "producer").stdout.strip()


@pytest.fixture
def show(tmp_path):
    """A running server with a producer's token, an episode and two cases in its running order."""
    srv = TrackerServer(tmp_path / "instance")
    token = prepare(srv)
    srv.start()
    headers = {"Authorization": f"Bearer {token}"}
    api = lambda path, body=None: requests.post(srv.url + path, json=body or {}, headers=headers, timeout=10)  # noqa: E731
    episode = api("/api/v1/episodes", {"title": "实时推送测试", "air_date": "2026-12-04"}).json()
    items = []
    for title in ("断头路", "转供电"):
        case = api("/api/v1/cases", {"title": title, "summary": "居民反映", "department_codes": ["ZJJ"],
                                     "complainant": {"name": COMPLAINANT_NAME, "phone": COMPLAINANT_PHONE}}).json()
        items.append(api(f"/api/v1/episodes/{episode['id']}/rundown", {"case_id": case["id"]}).json()["id"])
    yield srv, api, episode["id"], items
    srv.kill()


def test_connect_gets_the_snapshot_and_actions_arrive_within_a_second(show):
    srv, api, episode_id, (first, _second) = show
    viewer = Viewer(srv.url, episode_id)
    try:
        snapshot = viewer.wait_for(lambda s: True, 5)
        assert snapshot["episode"]["id"] == episode_id and snapshot["on_air"] is None
        assert [q["item_id"] for q in snapshot["queue"]] == list(show[3])
        sent = time.monotonic()
        assert api(f"/api/v1/episodes/{episode_id}/rundown/{first}/take").status_code == 200
        state = viewer.wait_for(lambda s: s["on_air"] and s["on_air"]["item_id"] == first, 1.0)
        assert time.monotonic() - sent < 1.0
        assert state["version"] == snapshot["version"] + 1
        assert viewer.patches == 1  # the change came as the parts that changed
    finally:
        viewer.close()
    assert all(COMPLAINANT_NAME not in raw and COMPLAINANT_PHONE not in raw for raw in viewer.raw)


def test_kill_and_restart_mid_show_the_client_comes_back_to_the_same_state(show):
    srv, api, episode_id, (first, second) = show
    api(f"/api/v1/episodes/{episode_id}/rundown/{first}/take")
    api(f"/api/v1/episodes/{episode_id}/rundown/{second}/standby")
    viewer = Viewer(srv.url, episode_id)
    try:
        before = viewer.wait_for(lambda s: s["standby"] is not None, 5)
        received = len(viewer.states)
        srv.kill()  # SIGKILL to master and workers: no goodbye to anyone
        srv.start()
        after = viewer.wait_for(lambda s: len(viewer.states) > received, 20)
        assert after == before  # the same state, from the database, after the restart
        assert api(f"/api/v1/episodes/{episode_id}/rundown/{second}/take").status_code == 200
        viewer.wait_for(lambda s: s["on_air"] and s["on_air"]["item_id"] == second, 2)
    finally:
        viewer.close()
    assert all(COMPLAINANT_NAME not in raw and COMPLAINANT_PHONE not in raw for raw in viewer.raw)


def redis_url() -> str:
    url = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - unreachable: the service is absent
        missing_service(f"Redis is not reachable at {url}: {error}")
    return url


def test_two_workers_share_changes_through_redis(tmp_path):
    """Viewers spread over two workers all get each change, whichever worker made it."""
    url = redis_url()
    srv = TrackerServer(tmp_path / "instance", env={"TRACKER_MESSAGE_QUEUE": url})
    srv.command += ["--workers", "2"]
    token = prepare(srv)
    srv.start()
    viewers = []
    try:
        assert requests.get(srv.url + "/api/v1/health").json()["message_queue"] == "ok"
        headers = {"Authorization": f"Bearer {token}"}
        post = lambda path, body: requests.post(srv.url + path, json=body, headers=headers, timeout=10)  # noqa: E731
        episode = post("/api/v1/episodes", {"title": "两个进程", "air_date": "2026-12-04"}).json()
        case = post("/api/v1/cases", {"title": "停车难", "summary": "小区停车难", "department_codes": ["ZJJ"]}).json()
        item = post(f"/api/v1/episodes/{episode['id']}/rundown", {"case_id": case["id"]}).json()
        viewers = [Viewer(srv.url, episode["id"]) for _ in range(8)]
        for viewer in viewers:
            viewer.wait_for(lambda s: True, 5)
        for _ in range(4):  # requests land on either worker
            assert post(f"/api/v1/episodes/{episode['id']}/rundown/{item['id']}/move", {"position": 0}).ok
        final = requests.get(srv.url + f"/api/v1/episodes/{episode['id']}/rundown", headers=headers).json()["version"]
        for viewer in viewers:
            viewer.wait_for(lambda s: s["version"] == final, 3)
    finally:
        for viewer in viewers:
            viewer.close()
        srv.kill()
