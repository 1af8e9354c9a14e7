"""How a change reaches `/live`: one read and one encoding per version, the same state over HTTP
and over the socket, the encoded text reused for every viewer, reconnect and `resync`."""
from __future__ import annotations

import json

import pytest

from tracker.live import packets, snapshots

from .test_live_socket import display, show, states  # noqa: F401  (the `show` fixture)


@pytest.fixture
def encodes(monkeypatch) -> list[int]:
    """The versions encoded, one entry per call of the state's serialisation."""
    seen: list[int] = []
    real = snapshots.encode_state

    def spy(state: dict) -> packets.EncodedJSON:
        seen.append(state["version"])
        return real(state)
    monkeypatch.setattr(snapshots, "encode_state", spy)
    return seen


def test_a_version_is_encoded_once_for_every_viewer_reconnect_and_resync(socket_client, show, encodes):
    producer, episode_id, items, _cases = show
    viewers = [display(socket_client, episode_id) for _ in range(3)]
    answer = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/standby", json={}).get_json()
    late = display(socket_client, episode_id)
    viewers[0].emit("resync", namespace="/live")
    viewers[1].disconnect("/live")
    viewers[1].connect("/live", auth={"episode": episode_id})
    for viewer in [*viewers, late]:
        assert states(viewer)[-1]["version"] == answer["version"]
    assert encodes.count(answer["version"]) == 1


def test_the_answer_and_the_pushed_state_come_from_one_read(socket_client, show, app):
    producer, episode_id, items, _cases = show
    viewer = display(socket_client, episode_id)
    viewer.get_received("/live")
    statements: list[str] = []
    from sqlalchemy import event

    from tracker.extensions import db
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answer = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[1]}/move",
                               json={"position": 0}).get_json()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    [state] = states(viewer)
    assert answer["version"] == state["version"]
    assert [(i["id"], i["state"], i["position"]) for i in answer["items"]] == \
        [(q["item_id"], q["state"], q["position"]) for q in state["queue"]]
    # After the commit, the running order is read once, for the state and the answer together.
    after_commit = statements[[i for i, s in enumerate(statements) if "INSERT INTO rundown_events" in s][-1] + 1:]
    assert sum(1 for s in after_commit if s.lstrip().startswith("SELECT") and "\nFROM rundown_items" in s) == 1


def test_a_state_goes_out_as_the_text_encoded_once():
    payload = packets.encode({"title": "幸福路", "n": 1})
    assert payload == '{"title":"幸福路","n":1}'  # compact, UTF-8 rather than \u escapes
    assert packets.dumps(["state", payload], separators=(",", ":")) == '["state",{"title":"幸福路","n":1}]'
    assert json.loads(packets.dumps(["tally", {"a": 1}])) == ["tally", {"a": 1}]


def test_idle_viewers_are_pinged_every_25_seconds_and_let_go_20_later(app):
    from tracker.extensions import socketio
    assert (socketio.server.eio.ping_interval, socketio.server.eio.ping_timeout) == (25, 20)


def test_an_encoded_state_crosses_the_message_queue_as_json():
    envelope = {"method": "emit", "event": "state", "data": packets.encode({"version": 3, "title": "幸福路"}),
                "namespace": "/live", "room": "episode:1", "skip_sid": None}
    assert json.loads(packets.dumps(envelope))["data"] == {"version": 3, "title": "幸福路"}


def test_a_version_is_one_emit_per_room_and_a_connect_stays_off_the_message_queue(socket_client, show,
                                                                                 monkeypatch):
    """With a message queue each emit without `ignore_queue` is one message to every process: a
    version is two (the displays' room, the consoles'), and a connect or resync is none, as that
    client is this process's own. (Flask-SocketIO's test client refuses a queue: the emits are
    counted here.)"""
    from tracker.extensions import socketio
    producer, episode_id, items, _cases = show
    emitted: list[tuple] = []
    server_emit, extension_emit = socketio.server.emit, socketio.emit

    def spy(emit):
        def record(event, *args, **kwargs):
            emitted.append((event, kwargs.get("to") or kwargs.get("room"), bool(kwargs.get("ignore_queue"))))
            return emit(event, *args, **kwargs)
        return record
    monkeypatch.setattr(socketio.server, "emit", spy(server_emit))
    monkeypatch.setattr(socketio, "emit", spy(extension_emit))
    viewers = [display(socket_client, episode_id) for _ in range(3)]
    viewers[0].emit("resync", namespace="/live")
    queued = [entry for entry in emitted if entry[0] == "state" and not entry[2]]
    assert queued == []
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/standby", json={})
    queued = [entry for entry in emitted if entry[0] == "state" and not entry[2]]
    assert sorted(to for _event, to, _ignore in queued) == [f"control:{episode_id}", f"episode:{episode_id}"]
