"""Display health on the producer's console: one entry per connection, the lag each display
really has, preview or programme, forgetting displays that are gone, only named displays listed
(with a token where tokens are required, at most a configured number otherwise), entries that
expire, the Redis store, and a crowd of 1,000 viewers that cannot flood the console."""
from __future__ import annotations

import os
import time

import pytest
import redis
import requests
import socketio

from tracker.live import presence
from tracker.live.display_tokens import issue_display_token
from tracker.live.presence_store import RedisPresence
from tracker.live.throttle import Throttle

from .servers import TrackerServer
from .test_live_server import prepare
from .test_live_server import redis_url as live_redis_url
from .test_live_socket import control, settle


def redis_url() -> str:
    url = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {url}: {error}")
    return url


@pytest.fixture(params=["memory", "redis"])
def store(request, app):
    """Presence in this process, or in Redis as with a message queue (Socket.IO itself stays local:
    its test client cannot run with a queue)."""
    if request.param == "redis":
        url, ttl = redis_url(), 1800 + 180
        app.extensions["tracker.presence"] = RedisPresence(url, app.config["REDIS_NAMESPACE"], ttl)
        yield request.param
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(app.config["REDIS_NAMESPACE"] + ":live:presence:*"):
            client.delete(key)
    else:
        yield request.param


@pytest.fixture
def episode(api, make):
    producer = api.as_role("producer")
    created = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04"}).get_json()
    case = make.case("幸福路断头路十年未通", departments=[make.department("ZJJ", "市住建局")])
    item = producer.post(f"/api/v1/episodes/{created['id']}/rundown", json={"case_id": case.id}).get_json()
    return producer, created["id"], item["id"]


def named(socket_client, episode_id: int, key: str, name: str = "大屏", **display):
    return socket_client("/live", auth={"episode": episode_id,
                                        "display": {"key": key, "name": name, "layout": "board", **display}})


def pushes(console) -> list[list[dict]]:
    settle()
    return [e["args"][0]["clients"] for e in console.get_received("/control") if e["name"] == "presence"]


def listed(console, kind: str = "display") -> list[dict]:
    console.emit("resync", namespace="/control")
    return [c for c in pushes(console)[-1] if c["kind"] == kind]


def test_each_console_of_one_producer_is_an_entry_of_its_own(socket_client, api, episode, store):
    producer, episode_id, _item = episode
    first, second = (control(socket_client, api, episode_id, producer) for _ in range(2))
    consoles = listed(first, "console")
    assert len(consoles) == 2 and consoles[0]["key"] != consoles[1]["key"]
    assert {c["user"] for c in consoles} == {f"console:{producer.user.id}"}
    second.disconnect("/control")
    assert len(listed(first, "console")) == 1  # a console that went is not listed as offline


def test_a_display_that_comes_back_takes_back_its_own_entry(socket_client, api, episode, store):
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    named(socket_client, episode_id, "wall", "大屏1").disconnect("/live")
    [gone] = listed(console)
    assert gone["online"] is False
    named(socket_client, episode_id, "wall", "大屏1")
    [back] = listed(console)
    assert back["key"] == gone["key"] == "display:wall" and back["online"] is True


def test_two_pages_with_one_key_are_two_entries(socket_client, api, episode, store):
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    named(socket_client, episode_id, "wall")
    named(socket_client, episode_id, "wall")
    assert sorted(c["key"] for c in listed(console)) == ["display:wall", "display:wall~2"]


def test_the_console_sees_the_lag_of_each_display_as_it_paints(socket_client, api, episode, store):
    producer, episode_id, item = episode
    console = control(socket_client, api, episode_id, producer)
    quick, slow = named(socket_client, episode_id, "quick", "大屏1"), named(socket_client, episode_id, "slow", "大屏2")
    version = quick.get_received("/live")[0]["args"][0]["version"]
    for screen in (quick, slow):
        screen.emit("applied", {"version": version}, namespace="/live")
    assert [(c["name"], c["version"], c["lag"]) for c in pushes(console)[-1] if c["kind"] == "display"] == [
        ("大屏1", version, 0), ("大屏2", version, 0)]

    assert producer.post(f"/api/v1/episodes/{episode_id}/rundown/{item}/take", json={}).status_code == 200
    quick.emit("applied", {"version": version + 1}, namespace="/live")
    # Pushed without asking: the painted version, and the lag against the episode's new version.
    latest = {c["name"]: c for c in pushes(console)[-1] if c["kind"] == "display"}
    assert (latest["大屏1"]["version"], latest["大屏1"]["lag"]) == (version + 1, 0)
    assert (latest["大屏2"]["version"], latest["大屏2"]["lag"]) == (version, 1)


@pytest.mark.parametrize("report", [{"version": "3"}, {"version": True}, {"version": -1}, {}, "3", None])
def test_a_malformed_applied_changes_nothing(socket_client, api, episode, report):
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    screen = named(socket_client, episode_id, "wall")
    screen.emit("applied", report, namespace="/live")
    [entry] = listed(console)
    assert entry["version"] is None and entry["lag"] is None


def test_preview_and_programme_displays_say_which_they_are(socket_client, api, episode):
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    named(socket_client, episode_id, "pvw", "预览", mode="preview")
    named(socket_client, episode_id, "pgm", "主屏", mode="program", layout="lower-third")
    named(socket_client, episode_id, "odd", "怪屏", mode="anything", layout="<b>board</b>")
    shown = {c["name"]: (c["mode"], c["layout"]) for c in listed(console)}
    assert shown == {"预览": ("preview", "board"), "主屏": ("program", "lower-third"), "怪屏": ("program", "")}


def test_a_producer_forgets_a_display_that_is_gone(socket_client, api, episode, store):
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    named(socket_client, episode_id, "old", "旧屏").disconnect("/live")
    named(socket_client, episode_id, "wall", "大屏")
    forget = lambda key: console.emit("forget_display", {"key": key}, namespace="/control", callback=True)  # noqa: E731
    assert forget("display:wall") == {"ok": False}  # still there: kept
    assert forget("display:nobody") == {"ok": False}
    assert forget([1]) == {"ok": False}
    [me] = [c["key"] for c in listed(console, "console")]
    assert forget(me) == {"ok": False}  # consoles are not forgotten this way
    assert forget("display:old") == {"ok": True}
    assert [c["name"] for c in pushes(console)[-1] if c["kind"] == "display"] == ["大屏"]


def test_only_a_producers_console_can_forget(socket_client, api, episode):
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    named(socket_client, episode_id, "old", "旧屏").disconnect("/live")
    viewer = socket_client("/live", auth={"episode": episode_id})
    # `/live` has no such event: an empty answer (a class namespace acknowledges with nothing)
    assert not viewer.emit("forget_display", {"key": "display:old"}, namespace="/live", callback=True)
    supervisor = api.as_role("supervisor")
    assert not socket_client("/control", auth={"episode": episode_id, "token": supervisor.token}).is_connected("/control")
    assert [c["name"] for c in listed(console)] == ["旧屏"]


@pytest.mark.parametrize("display", [None, "wall", {"name": "大屏"}, {"key": "has spaces"}, {"key": 12},
                                     {"key": "x" * 65}])
def test_anonymous_viewers_are_never_listed(socket_client, api, episode, display):
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    viewer = socket_client("/live", auth={"episode": episode_id, **({"display": display} if display else {})})
    assert viewer.is_connected("/live")
    assert listed(console) == []


def test_where_tokens_are_required_a_display_is_listed_with_one(app, socket_client, api, episode):
    producer, episode_id, _item = episode
    app.config["DISPLAY_TOKEN_REQUIRED"] = True
    _record, token = issue_display_token("演播室大屏")
    console = control(socket_client, api, episode_id, producer)
    refused = socket_client("/live", auth={"episode": episode_id, "display": {"key": "fake", "name": "假屏"}})
    assert not refused.is_connected("/live")
    socket_client("/live", auth={"episode": episode_id, "token": token, "display": {"key": "real", "name": "真屏"}})
    assert [c["name"] for c in listed(console)] == ["真屏"]


def test_at_most_the_configured_number_of_displays_is_listed(app, socket_client, api, episode, store):
    producer, episode_id, _item = episode
    app.config["LIVE_MAX_LISTED_DISPLAYS"] = 3
    console = control(socket_client, api, episode_id, producer)
    screens = [named(socket_client, episode_id, f"s{n}", f"屏{n}") for n in range(5)]
    assert all(screen.get_received("/live")[0]["name"] == "state" for screen in screens)  # all get the state
    assert [c["name"] for c in listed(console)] == ["屏0", "屏1", "屏2"]
    screens[1].disconnect("/live")
    named(socket_client, episode_id, "s9", "屏9")  # takes the place of the one that went
    assert [c["name"] for c in listed(console)] == ["屏0", "屏2", "屏9"]


def test_entries_expire(app, socket_client, api, episode, store, monkeypatch):
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    named(socket_client, episode_id, "old", "旧屏").disconnect("/live")
    quiet = named(socket_client, episode_id, "quiet", "静屏")
    start = time.time()

    monkeypatch.setattr(presence, "now", lambda: start + 200)  # past the silent time, not the offline
    shown = {c["name"]: c["online"] for c in listed(console)}
    assert shown == {"旧屏": False, "静屏": False}  # a display not heard from is taken for gone
    assert listed(console, "console") == []  # … and so is a console (this one asked no time)
    quiet.emit("time", {}, namespace="/live", callback=True)
    console.emit("time", {}, namespace="/control", callback=True)
    assert {c["name"]: c["online"] for c in listed(console)} == {"旧屏": False, "静屏": True}

    monkeypatch.setattr(presence, "now", lambda: start + app.config["LIVE_PRESENCE_OFFLINE_SECONDS"] + 1)
    # The old one is forgotten; the quiet one, silent since it last asked, is offline for now.
    assert [(c["name"], c["online"]) for c in listed(console)] == [("静屏", False)]
    if store == "redis":
        ttl = redis.Redis.from_url(redis_url()).ttl(f"{app.config['REDIS_NAMESPACE']}:live:presence:{episode_id}")
        assert 0 < ttl <= 1800 + 180


def test_presence_pushes_are_coalesced():
    clock = [100.0]
    throttle = Throttle(0.25, clock=lambda: clock[0])
    assert throttle.request(7) == 0  # the first after a quiet spell goes at once
    assert throttle.request(7) == pytest.approx(0.25)  # the next waits for the interval …
    assert throttle.request(7) is None and throttle.request(7) is None  # … and carries the others
    assert throttle.request(8) == 0  # episodes do not wait for each other
    clock[0] += 0.25
    throttle.starting(7)
    assert throttle.pending()
    throttle.finished()
    assert throttle.request(7) == pytest.approx(0.25)


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_a_thousand_phones_cannot_flood_the_console(app, socket_client, api, episode):
    """The issue's presence test: 1,000 anonymous `/live` connections, then 1,000 made-up named
    "displays": the console gets a bounded number of presence messages and lists no phone."""
    producer, episode_id, _item = episode
    console = control(socket_client, api, episode_id, producer)
    real = named(socket_client, episode_id, "real", "演播室大屏")
    pushes(console)
    started = time.monotonic()
    phones = [socket_client("/live", auth={"episode": episode_id}) for _ in range(1000)]
    assert all(phone.is_connected("/live") for phone in phones)
    assert pushes(console) == []  # anonymous viewers change nothing the console shows
    fakes = [named(socket_client, episode_id, f"fake{n}", f"假{n}") for n in range(1000)]
    received = pushes(console)
    elapsed = time.monotonic() - started
    interval = app.config["LIVE_PRESENCE_PUSH_SECONDS"]
    assert len(received) <= elapsed / interval + 2, (len(received), elapsed)
    displays = [c for c in received[-1] if c["kind"] == "display"]
    assert len(displays) == app.config["LIVE_MAX_LISTED_DISPLAYS"]
    assert "演播室大屏" in {c["name"] for c in displays}
    for client in [*phones, *fakes, real]:
        client.disconnect("/live")


@pytest.mark.server
def test_under_gevent_with_two_workers_the_console_sees_every_display(tmp_path):
    """`tracker serve` (gevent) with two workers and Redis: displays spread over both workers are
    all listed on one console, their applied versions reach it, and pushes stay coalesced."""
    srv = TrackerServer(tmp_path / "instance", env={"TRACKER_MESSAGE_QUEUE": live_redis_url()})
    srv.command += ["--workers", "2"]
    token = prepare(srv)
    srv.start()
    clients: list[socketio.Client] = []
    try:
        headers = {"Authorization": f"Bearer {token}"}
        episode = requests.post(srv.url + "/api/v1/episodes", json={"title": "两个进程", "air_date": "2026-12-04"},
                                headers=headers, timeout=10).json()
        received: list[list[dict]] = []
        console = socketio.Client(reconnection=False)
        console.on("presence", lambda data: received.append(data["clients"]), namespace="/control")
        console.connect(srv.url, namespaces=["/control"], transports=["websocket"], wait_timeout=10,
                        auth={"episode": episode["id"], "token": token})
        clients.append(console)
        started = time.monotonic()
        for n in range(12):
            screen = socketio.Client(reconnection=False)
            screen.connect(srv.url, namespaces=["/live"], transports=["websocket"], wait_timeout=10,
                           auth={"episode": episode["id"], "display": {"key": f"wall{n}", "name": f"屏{n:02d}",
                                                                       "layout": "board", "mode": "preview"}})
            screen.emit("applied", {"version": 0}, namespace="/live")
            clients.append(screen)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            shown = [c for c in (received[-1] if received else []) if c["kind"] == "display"]
            if len(shown) == 12 and all(c["version"] == 0 and c["online"] for c in shown):
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"the console never listed all twelve: {received[-1:]}")
        assert {c["mode"] for c in shown} == {"preview"}
        elapsed = time.monotonic() - started
        assert len(received) <= 2 * (elapsed / 0.25 + 2), (len(received), elapsed)  # two workers, each coalescing
    finally:
        for client in clients:
            client.disconnect()
        srv.kill()
