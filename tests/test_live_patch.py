"""`patch` on `/live` (PRODUCT.md): the parts that changed, against the version a viewer holds;
a viewer with another version asks for the whole state again."""
from __future__ import annotations

import json

import pytest

from .conftest import app_with
from .test_live_socket import display, show  # noqa: F401  (the `show` fixture)


@pytest.fixture
def app(request, tmp_path):
    """As a one-process server runs: patches on."""
    yield from app_with(request, tmp_path, LIVE_PATCHES=True)


def events(client, name: str) -> list[dict]:
    return [event["args"][0] for event in client.get_received("/live") if event["name"] == name]


def whole_state(socket_client, episode_id: int) -> dict:
    return events(display(socket_client, episode_id), "state")[-1]


def test_a_viewer_holding_the_base_gets_only_the_parts_that_changed(socket_client, show):
    producer, episode_id, items, _cases = show
    viewer = display(socket_client, episode_id)
    [before] = events(viewer, "state")
    answer = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[1]}/move", json={"position": 0}).get_json()
    answer = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[1]}/move", json={"position": 1}).get_json()
    first, second = events(viewer, "patch")
    assert first["base_version"] == before["version"] and second["base_version"] == first["version"]
    assert second["version"] == answer["version"]
    assert set(second) == {"version", "base_version", "queue"}  # a move changes the running order only
    applied = {**before, **{k: v for k, v in first.items() if k != "base_version"}}
    applied = {**applied, **{k: v for k, v in second.items() if k != "base_version"}}
    assert applied == whole_state(socket_client, episode_id)


def test_a_patch_is_smaller_than_the_state(socket_client, show):
    producer, episode_id, items, _cases = show
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/standby", json={})
    viewer = display(socket_client, episode_id)
    viewer.get_received("/live")
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[1]}/move", json={"position": 0})
    [patch] = events(viewer, "patch")
    state = whole_state(socket_client, episode_id)
    assert len(json.dumps(patch).encode()) < len(json.dumps(state).encode()) * 0.8


def test_a_viewer_with_a_gap_resyncs_to_the_whole_state(socket_client, show):
    producer, episode_id, items, _cases = show
    viewer = display(socket_client, episode_id)
    [held] = events(viewer, "state")
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/standby", json={})
    viewer.get_received("/live")  # this patch is lost on the way
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/take", json={})
    [patch] = events(viewer, "patch")
    assert patch["base_version"] != held["version"]  # so the viewer asks for the whole state
    viewer.emit("resync", namespace="/live")
    [state] = events(viewer, "state")
    assert state["version"] == patch["version"] and state == whole_state(socket_client, episode_id)


def test_a_viewer_that_connects_between_changes_can_apply_the_next_patch(socket_client, show):
    producer, episode_id, items, _cases = show
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/standby", json={})
    late = display(socket_client, episode_id)
    [held] = events(late, "state")
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/take", json={})
    [patch] = events(late, "patch")
    assert patch["base_version"] == held["version"]
