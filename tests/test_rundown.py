"""The running order: the state table, the version check, undo, the log."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import RundownEvent
from tracker.rundown.states import MOVES

pytestmark = pytest.mark.both_databases  # versions, locks and one on-air item per episode

STATES = ["queued", "standby", "on_air", "done", "skipped", "held"]


@pytest.fixture
def show(api, make):
    """A producer, an episode and three cases in its running order."""
    producer = api.as_role("producer")
    department = make.department("ZJJ", "市住建局")
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04"}).get_json()
    items = []
    for title in ("断头路十年未通", "转供电加价", "老旧小区改造"):
        case = make.case(title, departments=[department])
        response = producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id, "planned_seconds": 480})
        assert response.status_code == 201, response.get_json()
        items.append(response.get_json())
    return producer, episode["id"], [item["id"] for item in items]


def act(producer, episode_id, item_id, action, version=None):
    body = {} if version is None else {"version": version}
    return producer.post(f"/api/v1/episodes/{episode_id}/rundown/{item_id}/{action}", json=body)


def rundown(producer, episode_id):
    return producer.get(f"/api/v1/episodes/{episode_id}/rundown").get_json()


def states(producer, episode_id):
    return [item["state"] for item in rundown(producer, episode_id)["items"]]


def put_in_state(producer, episode_id, item_id, state):
    """Drive an item into `state` through allowed moves only."""
    paths = {"queued": [], "standby": ["standby"], "on_air": ["take"], "done": ["take", "done"],
             "skipped": ["skip"], "held": ["hold"]}
    for action in paths[state]:
        assert act(producer, episode_id, item_id, action).status_code == 200


def test_adding_items_appends_them_queued(show):
    producer, episode_id, item_ids = show
    listing = rundown(producer, episode_id)
    assert [i["id"] for i in listing["items"]] == item_ids
    assert [i["position"] for i in listing["items"]] == [0, 1, 2]
    assert all(i["state"] == "queued" and i["planned_seconds"] == 480 for i in listing["items"])
    assert listing["version"] == 3


@pytest.mark.parametrize("start", STATES)
@pytest.mark.parametrize("action", list(MOVES))
def test_state_table(show, start, action):
    """Every state × action: allowed moves land where the table says, the rest are 409 and change nothing."""
    producer, episode_id, (item, _other, _third) = show
    put_in_state(producer, episode_id, item, start)
    before = rundown(producer, episode_id)
    response = act(producer, episode_id, item, action, before["version"])
    sources, target = MOVES[action]
    if start in {s.value for s in sources}:
        assert response.status_code == 200, response.get_json()
        after = response.get_json()
        assert after["version"] == before["version"] + 1
        assert next(i for i in after["items"] if i["id"] == item)["state"] == target.value
    else:
        assert response.status_code == 409
        body = response.get_json()
        assert body["error"]["code"] == "move_not_allowed"
        assert body["rundown"] == before
        assert rundown(producer, episode_id) == before


def test_take_ends_the_item_on_air_and_empties_standby(show):
    producer, episode_id, (first, second, _third) = show
    act(producer, episode_id, first, "take")
    act(producer, episode_id, second, "standby")
    assert states(producer, episode_id) == ["on_air", "standby", "queued"]
    act(producer, episode_id, second, "take")
    assert states(producer, episode_id) == ["done", "on_air", "queued"]
    done = rundown(producer, episode_id)["items"][0]
    assert done["ended_at"] is not None and done["actual_seconds"] >= 0


def test_standby_sends_the_previous_standby_back_to_the_queue(show):
    producer, episode_id, (first, second, _third) = show
    act(producer, episode_id, first, "standby")
    act(producer, episode_id, second, "standby")
    assert states(producer, episode_id) == ["queued", "standby", "queued"]


def test_done_leaves_nothing_on_air(show):
    producer, episode_id, (first, _second, _third) = show
    act(producer, episode_id, first, "take")
    act(producer, episode_id, first, "done")
    assert "on_air" not in states(producer, episode_id)


def test_stale_version_is_409_with_the_current_rundown(show):
    producer, episode_id, (first, second, _third) = show
    version = rundown(producer, episode_id)["version"]
    assert act(producer, episode_id, first, "take", version).status_code == 200
    stale = act(producer, episode_id, second, "take", version)
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_version"
    assert stale.get_json()["rundown"]["version"] == version + 1
    assert states(producer, episode_id) == ["on_air", "queued", "queued"]


def test_a_double_click_never_skips_a_case(show):
    producer, episode_id, (first, second, _third) = show
    act(producer, episode_id, first, "take")
    act(producer, episode_id, second, "standby")
    version = rundown(producer, episode_id)["version"]
    assert act(producer, episode_id, second, "take", version).status_code == 200
    assert act(producer, episode_id, second, "take", version).status_code == 409
    assert states(producer, episode_id) == ["done", "on_air", "queued"]


def test_five_simultaneous_clicks_give_one_success(app, show, socket_client):
    producer, episode_id, (first, _second, _third) = show
    displays = [socket_client(auth={"episode": episode_id}) for _ in range(3)]
    version = rundown(producer, episode_id)["version"]
    barrier, results = threading.Barrier(5), []

    def click():
        client = app.test_client()
        barrier.wait()
        results.append(client.post(f"/api/v1/episodes/{episode_id}/rundown/{first}/take",
                                   json={"version": version},
                                   headers={"Authorization": f"Bearer {producer.token}"}).status_code)

    threads = [threading.Thread(target=click) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [200, 409, 409, 409, 409]
    assert rundown(producer, episode_id)["version"] == version + 1
    for display in displays:
        received = [m for m in display.get_received("/live") if m["name"] == "state"]
        assert received[-1]["args"][0]["version"] == version + 1
        display.disconnect("/live")


def test_move_reorders(show):
    producer, episode_id, (first, second, third) = show
    response = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{third}/move", json={"position": 0})
    assert response.status_code == 200
    assert [i["id"] for i in response.get_json()["items"]] == [third, first, second]
    assert [i["position"] for i in response.get_json()["items"]] == [0, 1, 2]
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{third}/move", json={"position": 99})
    assert [i["id"] for i in rundown(producer, episode_id)["items"]] == [first, second, third]


def test_move_refuses_a_negative_position(show):
    producer, episode_id, (first, _second, _third) = show
    response = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{first}/move", json={"position": -1})
    assert response.status_code == 422 and "position" in response.get_json()["error"]["fields"]


def test_undo_reverts_the_last_action_as_a_new_version(show):
    producer, episode_id, (first, second, _third) = show
    act(producer, episode_id, first, "take")
    before_take = rundown(producer, episode_id)
    act(producer, episode_id, second, "take")
    response = producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    assert response.status_code == 200
    after = response.get_json()
    assert after["version"] == before_take["version"] + 2
    assert [i["state"] for i in after["items"]] == [i["state"] for i in before_take["items"]]
    # and again: the take of the first item
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    assert states(producer, episode_id) == ["queued", "queued", "queued"]
    nothing = producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    assert nothing.status_code == 409 and nothing.get_json()["error"]["code"] == "nothing_to_undo"


def test_undo_restores_a_reorder(show):
    producer, episode_id, (first, second, third) = show
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{third}/move", json={"position": 0})
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    assert [i["id"] for i in rundown(producer, episode_id)["items"]] == [first, second, third]


def test_every_action_is_logged_with_who_before_and_after(show, make):
    producer, episode_id, (first, _second, _third) = show
    act(producer, episode_id, first, "take")
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    log = producer.get(f"/api/v1/episodes/{episode_id}/rundown/log").get_json()
    assert [e["action"] for e in log] == ["add", "add", "add", "take", "undo"]
    take = log[3]
    assert take["actor_id"] == producer.user.id
    assert take["before"]["items"][str(first)]["state"] == "queued"
    assert take["after"]["items"][str(first)]["state"] == "on_air"
    assert log[4]["reverts_event_id"] == take["id"]
    assert [e["version"] for e in log] == [1, 2, 3, 4, 5]


def test_a_refused_action_is_not_logged(show):
    producer, episode_id, (first, _second, _third) = show
    act(producer, episode_id, first, "done")
    assert db.session.scalar(select(func.count(RundownEvent.id))) == 3


def test_the_same_case_cannot_be_added_twice(show, make):
    producer, episode_id, _items = show
    case_id = rundown(producer, episode_id)["items"][0]["case_id"]
    response = producer.post(f"/api/v1/episodes/{episode_id}/rundown", json={"case_id": case_id})
    assert response.status_code == 409


def test_unknown_episode_item_and_case(show):
    producer, episode_id, (first, _second, _third) = show
    assert act(producer, 999999, first, "take").status_code == 404
    assert act(producer, episode_id, 999999, "take").status_code == 404
    assert producer.post(f"/api/v1/episodes/{episode_id}/rundown/{first}/dance", json={}).status_code == 404
    missing = producer.post(f"/api/v1/episodes/{episode_id}/rundown", json={"case_id": 999999})
    assert missing.status_code == 422 and "case_id" in missing.get_json()["error"]["fields"]


def test_only_producers_move_the_running_order(show, api):
    _producer, episode_id, (first, _second, _third) = show
    for role in ("admin", "supervisor", "department"):
        assert act(api.as_role(role), episode_id, first, "take").status_code == 403
    assert act(api.anonymous, episode_id, first, "take").status_code == 401


def test_an_ended_episode_is_closed(show):
    producer, episode_id, (first, second, _third) = show
    assert producer.post(f"/api/v1/episodes/{episode_id}/start").get_json()["status"] == "live"
    act(producer, episode_id, first, "take")
    ended = producer.post(f"/api/v1/episodes/{episode_id}/end")
    assert ended.get_json()["status"] == "ended"
    assert states(producer, episode_id)[0] == "done"
    refused = act(producer, episode_id, second, "take")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "episode_ended"


def test_remove_only_what_has_not_aired(show):
    producer, episode_id, (first, second, third) = show
    act(producer, episode_id, first, "take")
    assert producer.post(f"/api/v1/episodes/{episode_id}/rundown/{first}/remove", json={}).status_code == 409
    response = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{third}/remove", json={})
    assert response.status_code == 200
    assert [i["id"] for i in response.get_json()["items"]] == [first, second]
