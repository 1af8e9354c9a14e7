"""On air: take-next, straps (preview → program → out, auto-out), planned time, undo of every
kind, the end, and seconds on air that count only real time."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tracker.episodes import changes
from tracker.models import utcnow
from tracker.rundown import graphics

# Compare-and-set versions, the withdrawn-row filter and SQL text search differ by database.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def show(api, make):
    """A producer, a live episode, three cases in its running order and a commitment on the first."""
    producer = api.as_role("producer")
    department = make.department("ZJJ", "市住建局")
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04"}).get_json()
    items, cases = [], []
    for title in ("断头路十年未通", "转供电加价", "老旧小区改造"):
        case = make.case(title, departments=[department])
        cases.append(case.id)
        items.append(producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id}).get_json()["id"])
    producer.post(f"/api/v1/episodes/{episode['id']}/start")
    commitment = producer.post("/api/v1/commitments", json={
        "episode_id": episode["id"], "case_id": cases[0], "department_code": "ZJJ", "official_name": "刘敏",
        "official_title": "副局长", "content": "年底前打通幸福路", "deadline": "2027-01-31",
        "quote": "我们年底前一定打通"}).get_json()
    return producer, episode["id"], items, commitment["id"]


def post(producer, episode_id, path, body=None):
    return producer.post(f"/api/v1/episodes/{episode_id}/{path}", json=body or {})


def state(producer, episode_id):
    from tracker.live.state import build_state
    return build_state(episode_id)


def rundown_states(answer):
    return [item["state"] for item in answer["items"]]


def test_take_next_moves_standby_on_air_and_the_next_to_standby(show):
    producer, episode_id, (first, second, _third), _c = show
    post(producer, episode_id, f"rundown/{first}/take")
    post(producer, episode_id, f"rundown/{second}/standby")
    answer = post(producer, episode_id, "rundown/take-next")
    assert answer.status_code == 200
    assert rundown_states(answer.get_json()) == ["done", "on_air", "standby"]
    answer = post(producer, episode_id, "rundown/take-next").get_json()
    assert rundown_states(answer) == ["done", "done", "on_air"]
    refused = post(producer, episode_id, "rundown/take-next")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "nothing_on_standby"
    assert refused.get_json()["rundown"]["version"] == answer["version"]


def test_new_operations_are_for_producers_only(show, api):
    _producer, episode_id, (first, _s, _t), _c = show
    for role in ("supervisor", "department"):
        client = api.as_role(role)
        assert post(client, episode_id, "rundown/take-next").status_code == 403
        assert post(client, episode_id, "graphic/preview", {"kind": "case"}).status_code == 403
        assert client.patch(f"/api/v1/episodes/{episode_id}/rundown/{first}", json={"planned_seconds": 5}).status_code == 403
    assert post(api.anonymous, episode_id, "graphic/take").status_code == 401


def test_strap_preview_take_out(show):
    producer, episode_id, (first, _s, _t), commitment = show
    post(producer, episode_id, f"rundown/{first}/take")
    assert post(producer, episode_id, "graphic/take").get_json()["error"]["code"] == "nothing_cued"
    assert post(producer, episode_id, "graphic/preview", {"kind": "quote", "id": commitment}).status_code == 200
    graphic = state(producer, episode_id)["graphic"]
    assert graphic["kind"] == "none" and graphic["preview"] == {"kind": "quote", "id": commitment}
    assert post(producer, episode_id, "graphic/take", {"auto_out_seconds": 8}).status_code == 200
    graphic = state(producer, episode_id)["graphic"]
    assert (graphic["kind"], graphic["id"], graphic["item_id"], graphic["preview"]) == ("quote", commitment, first, None)
    assert graphic["out_at"] is not None
    assert post(producer, episode_id, "graphic/out").status_code == 200
    assert state(producer, episode_id)["graphic"]["kind"] == "none"
    assert post(producer, episode_id, "graphic/out").get_json()["error"]["code"] == "nothing_on_program"


def test_bad_straps_are_422_and_change_nothing(show, make):
    producer, episode_id, _items, _commitment = show
    version = state(producer, episode_id)["version"]
    assert post(producer, episode_id, "graphic", {"kind": "banner"}).status_code == 422
    assert post(producer, episode_id, "graphic", {"kind": "commitment", "id": 999999}).status_code == 422
    assert post(producer, episode_id, "graphic", {"kind": "case", "auto_out_seconds": 0}).status_code == 422
    assert post(producer, episode_id, "graphic/preview", {"kind": "commitment"}).status_code == 422
    assert state(producer, episode_id)["version"] == version


def test_a_quote_strap_needs_a_quote(show):
    producer, episode_id, _items, _commitment = show
    bare = producer.post("/api/v1/commitments", json={
        "episode_id": episode_id, "case_id": state(producer, episode_id)["queue"][0]["case"]["id"],
        "department_code": "ZJJ", "official_name": "王强", "official_title": "处长", "content": "一个月内答复",
        "deadline": "2027-01-31"}).get_json()["id"]
    response = post(producer, episode_id, "graphic", {"kind": "quote", "id": bare})
    assert response.status_code == 422 and "id" in response.get_json()["error"]["fields"]


def test_a_strap_of_another_case_goes_out_when_the_case_changes(show):
    producer, episode_id, (first, second, _t), commitment = show
    post(producer, episode_id, f"rundown/{first}/take")
    post(producer, episode_id, "graphic", {"kind": "commitment", "id": commitment})
    post(producer, episode_id, f"rundown/{first}/done")
    assert state(producer, episode_id)["graphic"]["kind"] == "none"
    post(producer, episode_id, f"rundown/{first}/take")
    post(producer, episode_id, "graphic", {"kind": "case"})
    post(producer, episode_id, f"rundown/{second}/take")
    assert state(producer, episode_id)["graphic"]["kind"] == "none"


def test_auto_out_takes_the_strap_out_once_due(show):
    producer, episode_id, (first, _s, _t), commitment = show
    post(producer, episode_id, f"rundown/{first}/take")
    post(producer, episode_id, "graphic", {"kind": "commitment", "id": commitment, "auto_out_seconds": 5})
    taken = utcnow()
    assert graphics.expire_graphic(episode_id, taken - timedelta(seconds=1)) is None
    assert state(producer, episode_id)["graphic"]["kind"] == "commitment"
    change = graphics.expire_graphic(episode_id, taken + timedelta(seconds=6))
    assert change is not None and change.action == "graphic_auto_out"
    assert state(producer, episode_id)["graphic"]["kind"] == "none"
    assert graphics.expire_graphic(episode_id, taken + timedelta(seconds=7)) is None


def test_planned_time_is_edited(show):
    producer, episode_id, (first, _s, _t), _c = show
    url = f"/api/v1/episodes/{episode_id}/rundown/{first}"
    answer = producer.patch(url, json={"planned_seconds": 240})
    assert answer.status_code == 200 and answer.get_json()["items"][0]["planned_seconds"] == 240
    assert producer.patch(url, json={"planned_seconds": -1}).status_code == 422
    assert producer.patch(url, json={}).status_code == 422
    assert producer.patch(f"/api/v1/episodes/{episode_id}/rundown/999999", json={"planned_seconds": 5}).status_code == 404


@pytest.mark.parametrize("kind", ["take", "take_next", "graphic", "graphic_out", "screen"])
def test_undo_reverts_each_kind_and_says_what(show, kind):
    producer, episode_id, (first, second, _t), commitment = show
    post(producer, episode_id, f"rundown/{first}/take")
    post(producer, episode_id, f"rundown/{second}/standby")
    if kind == "graphic_out":
        post(producer, episode_id, "graphic", {"kind": "commitment", "id": commitment})
    before = state(producer, episode_id)
    doing = {"take": (f"rundown/{second}/take", None), "take_next": ("rundown/take-next", None),
             "graphic": ("graphic", {"kind": "commitment", "id": commitment}),
             "graphic_out": ("graphic/out", None), "screen": ("screen", {"cleared": True})}[kind]
    assert post(producer, episode_id, *doing).status_code == 200
    post(producer, episode_id, "graphic/preview", {"kind": "case"})  # looked past
    undone = post(producer, episode_id, "rundown/undo")
    assert undone.status_code == 200, undone.get_json()
    after = state(producer, episode_id)
    for part in ("graphic", "screen"):
        expected = {**before[part], "preview": after[part].get("preview")} if part == "graphic" else before[part]
        assert {k: v for k, v in after[part].items() if k != "taken_at"} == \
            {k: v for k, v in expected.items() if k != "taken_at"}
    assert [q["state"] for q in after["queue"]] == [q["state"] for q in before["queue"]]
    description = undone.get_json()["undone"]["description"]
    if kind in ("graphic", "graphic_out"):
        assert "刘敏 副局长" in description
    if kind in ("take", "take_next"):
        assert description.startswith("上播 ")


def test_undo_after_the_end_is_refused_and_changes_nothing(show):
    producer, episode_id, (first, second, _t), commitment = show
    post(producer, episode_id, f"rundown/{first}/take")
    post(producer, episode_id, f"rundown/{second}/standby")
    post(producer, episode_id, "graphic", {"kind": "commitment", "id": commitment})
    post(producer, episode_id, "graphic/preview", {"kind": "case"})
    assert producer.post(f"/api/v1/episodes/{episode_id}/end").status_code == 200
    ended = state(producer, episode_id)
    assert ended["on_air"] is None and ended["standby"] is None and ended["screen"] == {"cleared": False}
    assert ended["graphic"]["kind"] == "none" and ended["graphic"]["preview"] is None
    refused = post(producer, episode_id, "rundown/undo")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "episode_ended"
    assert state(producer, episode_id) == ended


def test_nothing_to_undo_past_an_add(show):
    producer, episode_id, _items, _c = show
    refused = post(producer, episode_id, "rundown/undo")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "nothing_to_undo"


def test_an_undone_take_counts_only_real_seconds(show, monkeypatch):
    producer, episode_id, (first, second, _t), _c = show
    clock = [utcnow()]
    monkeypatch.setattr(changes, "utcnow", lambda: clock[0])
    post(producer, episode_id, f"rundown/{first}/take")
    clock[0] += timedelta(seconds=2)
    post(producer, episode_id, f"rundown/{second}/take")
    clock[0] += timedelta(seconds=3)
    post(producer, episode_id, "rundown/undo")
    items = {q["item_id"]: q for q in state(producer, episode_id)["queue"]}
    assert items[first]["state"] == "on_air" and items[first]["actual_seconds"] == 2
    assert items[second]["state"] == "queued" and items[second]["actual_seconds"] == 3
    clock[0] += timedelta(seconds=1)
    post(producer, episode_id, f"rundown/{first}/done")
    assert {q["item_id"]: q for q in state(producer, episode_id)["queue"]}[first]["actual_seconds"] == 3


def test_an_edited_schedule_reaches_a_connected_display_at_once_as_a_new_version(show, socket_client):
    """The start frame's countdown and the console's back-timing read the schedule from the
    state: an edit must not wait for the next take to reach the studio."""
    producer, episode_id, _items, _commitment = show
    display = socket_client("/live", auth={"episode": episode_id})
    first = display.get_received("/live")[-1]["args"][0]
    answer = producer.patch(f"/api/v1/episodes/{episode_id}",
                            json={"scheduled_end": "2026-12-04T21:00:00+08:00", "title": "聚焦城市更新"})
    assert answer.status_code == 200
    pushed = [m["args"][0] for m in display.get_received("/live") if m["name"] == "state"]
    assert pushed[-1]["version"] == first["version"] + 1
    assert pushed[-1]["episode"]["title"] == "聚焦城市更新"
    assert pushed[-1]["episode"]["scheduled_end"].startswith("2026-12-04T13:00:00")
    # An edit is data, not an on-air action: undo looks past it and leaves it in place.
    undo = producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    assert undo.status_code == 409 and undo.get_json()["error"]["code"] == "nothing_to_undo"
    assert producer.get(f"/api/v1/episodes/{episode_id}").get_json()["title"] == "聚焦城市更新"
