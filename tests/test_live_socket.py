"""The `/live` namespace as a display sees it: the snapshot, newer states, resync, the clock,
presence on the producers' `/control` namespace, display tokens — and never any private data."""
from __future__ import annotations

import json
import time

import pytest

from tracker.live import presence
from tracker.live.display_tokens import issue_display_token, revoke_display_token

pytestmark = pytest.mark.both_databases  # the episode version's compare-and-set over Socket.IO

COMPLAINANT = "张秀兰"
PHONE = "13912345678"


@pytest.fixture
def show(api, make):
    """An episode with two cases in its running order; the complainant is planted in both."""
    producer = api.as_role("producer")
    department = make.department("ZJJ", "市住建局")
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04"}).get_json()
    items, cases = [], []
    for title in ("幸福路断头路十年未通", "城东商业街转供电加价"):
        case = make.case(title, departments=[department], complainant_name=COMPLAINANT,
                         complainant_phone=PHONE, location="房县城关镇幸福路")
        response = producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id})
        assert response.status_code == 201
        items.append(response.get_json()["id"])
        cases.append(case.id)
    return producer, episode["id"], items, cases


def states(client) -> list[dict]:
    return [event["args"][0] for event in client.get_received("/live") if event["name"] == "state"]


def act(producer, episode_id: int, path: str, body: dict | None = None):
    response = producer.post(f"/api/v1/episodes/{episode_id}/{path}", json=body or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def display(socket_client, episode_id: int, **extra):
    return socket_client("/live", auth={"episode": episode_id, **extra})


def test_a_display_gets_the_snapshot_first(socket_client, show):
    _producer, episode_id, items, _cases = show
    client = display(socket_client, episode_id)
    assert client.is_connected("/live")
    received = client.get_received("/live")
    assert received[0]["name"] == "state"
    state = received[0]["args"][0]
    assert state["version"] == 2
    assert state["episode"]["id"] == episode_id and state["episode"]["title"] == "聚焦城市建设"
    assert [entry["item_id"] for entry in state["queue"]] == items
    assert state["on_air"] is None and state["standby"] is None
    assert state["screen"] == {"cleared": False} and state["graphic"]["kind"] == "none"


@pytest.mark.parametrize("auth", [None, {}, {"episode": "abc"}, {"episode": None}, {"episode": 999_999}, "7",
                                  {"episode": 2**63}, {"episode": str(2**63)}, {"episode": "9" * 5000},
                                  {"episode": 1.5}, {"episode": True}, {"episode": -1}, {"episode": "１"}])
def test_a_missing_or_unknown_episode_is_refused(socket_client, show, auth):
    client = socket_client("/live", auth=auth)
    assert not client.is_connected("/live")


def test_the_episode_may_come_as_text_from_a_page_url(socket_client, show):
    _producer, episode_id, _items, _cases = show
    client = socket_client("/live", auth={"episode": str(episode_id)})
    assert client.is_connected("/live")


def test_every_change_sends_a_newer_state(socket_client, show):
    producer, episode_id, items, _cases = show
    client = display(socket_client, episode_id)
    first = states(client)[-1]

    act(producer, episode_id, f"rundown/{items[0]}/take")
    taken = states(client)
    assert len(taken) == 1 and taken[0]["version"] == first["version"] + 1
    assert taken[0]["on_air"]["item_id"] == items[0]
    assert taken[0]["on_air"]["case"]["departments"] == ["市住建局"]
    assert taken[0]["on_air"]["started_at"]

    act(producer, episode_id, f"rundown/{items[1]}/standby")
    act(producer, episode_id, "graphic", {"kind": "case"})
    act(producer, episode_id, "screen", {"cleared": True})
    later = states(client)
    assert [s["version"] for s in later] == [first["version"] + 2, first["version"] + 3, first["version"] + 4]
    assert later[0]["standby"]["item_id"] == items[1]
    graphic = later[1]["graphic"]
    assert {key: graphic[key] for key in ("kind", "id", "item_id", "out_at", "preview")} == {
        "kind": "case", "id": None, "item_id": items[0], "out_at": None, "preview": None}
    assert graphic["taken_at"]
    assert later[2]["screen"] == {"cleared": True}


def test_a_commitment_recorded_on_air_reaches_the_display(socket_client, show):
    producer, episode_id, items, cases = show
    act(producer, episode_id, f"rundown/{items[0]}/take")
    client = display(socket_client, episode_id)
    client.get_received("/live")
    response = producer.post("/api/v1/commitments", json={
        "episode_id": episode_id, "case_id": cases[0], "department_code": "ZJJ", "official_name": "李建国",
        "official_title": "局长", "content": "年底前打通幸福路", "deadline": "2027-01-31"})
    assert response.status_code == 201
    [state] = states(client)
    assert state["commitments"] == [{
        "id": response.get_json()["id"], "case_id": cases[0], "department": "市住建局", "official_name": "李建国",
        "official_title": "局长", "content": "年底前打通幸福路", "deadline": "2027-01-31", "quote": "",
        "spoken_at": state["commitments"][0]["spoken_at"]}]
    assert state["commitments"][0]["spoken_at"]


def test_resync_answers_with_the_latest_state(socket_client, show):
    producer, episode_id, items, _cases = show
    client = display(socket_client, episode_id)
    act(producer, episode_id, f"rundown/{items[0]}/take")
    client.get_received("/live")
    client.emit("resync", namespace="/live")
    [state] = states(client)
    assert state["version"] == 3 and state["on_air"]["item_id"] == items[0]


def test_time_answers_with_the_servers_clock(socket_client, show):
    _producer, episode_id, _items, _cases = show
    client = display(socket_client, episode_id)
    before = time.time() * 1000
    reply = client.emit("time", {}, namespace="/live", callback=True)
    after = time.time() * 1000
    assert before <= reply["now"] <= after


def test_nothing_a_display_receives_carries_private_data(socket_client, show):
    producer, episode_id, items, cases = show
    client = display(socket_client, episode_id, display={"key": "k1", "name": "大屏1", "layout": "board"})
    act(producer, episode_id, f"rundown/{items[0]}/take")
    act(producer, episode_id, f"rundown/{items[1]}/standby")
    producer.post("/api/v1/commitments", json={
        "episode_id": episode_id, "case_id": cases[0], "department_code": "ZJJ", "official_name": "李建国",
        "official_title": "局长", "content": "年底前打通", "deadline": "2027-01-31"})
    act(producer, episode_id, "graphic", {"kind": "case"})
    client.emit("resync", namespace="/live")
    client.emit("applied", {"version": 99}, namespace="/live")
    received = client.get_received("/live")
    assert len(received) >= 5
    everything = json.dumps(received, ensure_ascii=False)
    assert "幸福路断头路十年未通" in everything  # the case itself is there …
    assert COMPLAINANT not in everything and PHONE not in everything  # … its complainant never
    assert "complainant" not in everything


def control(socket_client, api, episode_id: int, producer):
    return socket_client("/control", auth={"episode": episode_id, "token": api.make.token(producer.user)})


def settle(timeout: float = 3.0) -> None:
    """Wait until every coalesced presence push due has been sent (pushes come at most every
    `LIVE_PRESENCE_PUSH_SECONDS`)."""
    deadline = time.monotonic() + timeout
    while presence.pushes().pending():
        assert time.monotonic() < deadline, "a presence push never went out"
        time.sleep(0.02)


def presence_of(client) -> list[dict]:
    settle()
    updates = [e["args"][0] for e in client.get_received("/control") if e["name"] == "presence"]
    assert updates, "no presence update"
    return updates[-1]["clients"]


def test_a_display_is_listed_on_the_console_with_its_name_and_version(socket_client, api, show):
    producer, episode_id, _items, _cases = show
    console = control(socket_client, api, episode_id, producer)
    assert console.is_connected("/control")
    screen = display(socket_client, episode_id, display={"key": "abc123", "name": "大屏2", "layout": "lower-third"})
    [entry] = [c for c in presence_of(console) if c["kind"] == "display"]
    assert entry["name"] == "大屏2" and entry["online"] is True and entry["layout"] == "lower-third"
    assert entry["key"] == "display:abc123" and entry["since"]

    screen.emit("applied", {"version": 2}, namespace="/live")
    console.emit("resync", namespace="/control")
    [entry] = [c for c in presence_of(console) if c["kind"] == "display"]
    assert entry["version"] == 2

    screen.disconnect("/live")
    [entry] = [c for c in presence_of(console) if c["kind"] == "display"]
    assert entry["online"] is False


def test_the_console_can_reload_a_display(socket_client, api, show):
    producer, episode_id, _items, _cases = show
    console = control(socket_client, api, episode_id, producer)
    screen = display(socket_client, episode_id, display={"key": "wall", "name": "大屏1", "layout": "board"})
    screen.get_received("/live")
    assert console.emit("reload_display", {"key": "display:wall"}, namespace="/control", callback=True) == {"ok": True}
    assert [e["name"] for e in screen.get_received("/live")] == ["reload"]
    assert console.emit("reload_display", {"key": "display:nobody"}, namespace="/control", callback=True) == {"ok": False}


def test_a_display_without_a_name_is_not_listed(socket_client, api, show):
    producer, episode_id, _items, _cases = show
    console = control(socket_client, api, episode_id, producer)
    console.get_received("/control")
    display(socket_client, episode_id)
    console.emit("resync", namespace="/control")
    assert [c for c in presence_of(console) if c["kind"] == "display"] == []


def test_control_is_for_producers_only(socket_client, api, show):
    _producer, episode_id, _items, _cases = show
    assert not socket_client("/control", auth={"episode": episode_id}).is_connected("/control")
    supervisor = api.as_role("supervisor")
    assert not socket_client("/control", auth={"episode": episode_id, "token": supervisor.token}).is_connected("/control")


def test_where_display_tokens_are_required_only_a_valid_one_connects(app, socket_client, show):
    _producer, episode_id, _items, _cases = show
    app.config["DISPLAY_TOKEN_REQUIRED"] = True
    record, token = issue_display_token("演播室大屏")
    assert not display(socket_client, episode_id).is_connected("/live")
    assert not display(socket_client, episode_id, token="ftd_wrong").is_connected("/live")
    assert not display(socket_client, episode_id, token=12345).is_connected("/live")
    allowed = display(socket_client, episode_id, token=token)
    assert allowed.is_connected("/live")
    assert states(allowed)[0]["episode"]["id"] == episode_id

    revoke_display_token(record.id)
    assert not display(socket_client, episode_id, token=token).is_connected("/live")


def test_without_the_requirement_a_display_needs_no_token(app, socket_client, show):
    _producer, episode_id, _items, _cases = show
    assert app.config["DISPLAY_TOKEN_REQUIRED"] is False
    assert display(socket_client, episode_id).is_connected("/live")
    assert display(socket_client, episode_id, token="anything").is_connected("/live")
