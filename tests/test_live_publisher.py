"""The episode's sender: off the request path, newest version first, versions in order."""
from __future__ import annotations

import threading
import time

import pytest

from tracker.extensions import socketio
from tracker.live.publisher import Offer, Publisher

from .conftest import app_with
from .test_live_socket import display, show, states  # noqa: F401  (the `show` fixture)


class Later:
    """Background tasks that run when the test says so."""

    def __init__(self) -> None:
        self.tasks: list[tuple] = []

    def __call__(self, function, *args) -> None:
        self.tasks.append((function, args))

    def run(self) -> None:
        while self.tasks:
            function, args = self.tasks.pop(0)
            function(*args)


def offer(version: int, episode_id: int = 1) -> Offer:
    return Offer(episode_id, version, {"version": version})


def test_versions_superseded_before_the_sender_runs_are_skipped():
    later, sent = Later(), []
    publisher = Publisher(later, lambda newest, before: sent.append(newest.version))
    for version in (3, 4, 5):
        publisher.offer(offer(version))
    assert len(later.tasks) == 1  # one sender per episode
    later.run()
    assert sent == [5] and not publisher.busy()


def test_a_version_offered_while_sending_goes_out_next_in_order():
    later, sent = Later(), []

    def send(newest: Offer, before: Offer | None) -> None:
        sent.append((newest.version, before.version if before else None))
        if newest.version == 5:
            publisher.offer(offer(7))
            publisher.offer(offer(6))  # older than what is queued: never sent
    publisher = Publisher(later, send)
    publisher.offer(offer(5))
    later.run()
    assert sent == [(5, None), (7, 5)]


def test_an_older_version_after_a_newer_one_is_never_sent():
    later, sent = Later(), []
    publisher = Publisher(later, lambda newest, before: sent.append(newest.version))
    publisher.offer(offer(5))
    later.run()
    publisher.offer(offer(4))
    publisher.offer(offer(3))
    later.run()
    assert sent == [5] and not later.tasks


def test_a_state_of_the_same_version_goes_out_again_the_latest_one_queued():
    later, sent = Later(), []
    publisher = Publisher(later, lambda newest, before: sent.append(newest.state))
    publisher.offer(Offer(1, 5, {"version": 5, "board": "old"}))
    later.run()
    publisher.offer(Offer(1, 5, {"version": 5, "board": "newer"}))  # a commitment's progress
    publisher.offer(Offer(1, 5, {"version": 5, "board": "newest"}))
    later.run()
    assert sent == [{"version": 5, "board": "old"}, {"version": 5, "board": "newest"}]


def test_after_a_same_version_resend_the_next_version_is_not_patched_against_it():
    later, bases = Later(), []
    publisher = Publisher(later, lambda newest, held: bases.append(held.version if held else None))
    for state in ({"version": 5}, {"version": 6}, {"version": 6, "board": "new"}, {"version": 7}):
        publisher.offer(Offer(1, state["version"], state))
        later.run()
    # 6 again may be dropped by a client holding 6: 7 goes out whole (no base), not on top of it.
    assert bases == [None, 5, 6, None]


def test_episodes_have_senders_of_their_own_and_a_failed_push_stops_nothing():
    later, sent = Later(), []

    def send(newest: Offer, before: Offer | None) -> None:
        if newest.version == 2:
            raise RuntimeError("the network")
        sent.append((newest.episode_id, newest.version))
    publisher = Publisher(later, send)
    publisher.offer(offer(2, episode_id=1))
    publisher.offer(offer(9, episode_id=2))
    later.run()
    publisher.offer(offer(3, episode_id=1))
    later.run()
    assert sent == [(2, 9), (1, 3)]


@pytest.fixture
def app(request, tmp_path):
    """As the server runs: the push is a background task."""
    yield from app_with(request, tmp_path, LIVE_PUSH_IN_BACKGROUND=True)


def settle(app) -> None:
    deadline = time.time() + 10
    while app.extensions["tracker.publisher"].busy() and time.time() < deadline:
        time.sleep(0.01)


def test_the_request_answers_before_the_push_and_the_viewers_get_it_after(app, socket_client, show, monkeypatch):
    producer, episode_id, items, _cases = show
    settle(app)
    viewer = display(socket_client, episode_id)
    viewer.get_received("/live")
    go = threading.Event()
    emit = socketio.server.emit
    monkeypatch.setattr(socketio.server, "emit", lambda *args, **kwargs: go.wait(10) and emit(*args, **kwargs))
    answer = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/standby", json={})
    assert answer.status_code == 200
    assert states(viewer) == []  # answered while the push waits
    go.set()
    settle(app)
    assert [state["version"] for state in states(viewer)] == [answer.get_json()["version"]]


def test_a_burst_of_changes_reaches_each_viewer_in_order_ending_with_the_last(app, socket_client, show):
    producer, episode_id, items, _cases = show
    settle(app)
    viewers = [display(socket_client, episode_id) for _ in range(2)]
    for viewer in viewers:
        viewer.get_received("/live")
    versions = []
    for position in (1, 0, 1, 0, 1, 0):
        response = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{items[0]}/move",
                                 json={"position": position})
        versions.append(response.get_json()["version"])
    settle(app)
    for viewer in viewers:
        seen = [state["version"] for state in states(viewer)]
        assert seen == sorted(set(seen)) and seen[-1] == versions[-1]
    late = display(socket_client, episode_id)  # served from what the sender stored
    assert states(late)[-1]["version"] == versions[-1]
