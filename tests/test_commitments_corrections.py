"""Correcting a commitment recorded on air: who may, when, and what the timeline keeps."""
from __future__ import annotations

from tracker.live.state import build_state

from .test_on_air import post, show  # noqa: F401 - the fixture


def correct(client, commitment_id, body):
    return client.patch(f"/api/v1/commitments/{commitment_id}", json=body)


def test_the_producer_corrects_on_air_and_the_strap_follows(show):
    producer, episode_id, (first, _s, _t), commitment = show
    post(producer, episode_id, f"rundown/{first}/take")
    post(producer, episode_id, "graphic", {"kind": "commitment", "id": commitment})
    version = build_state(episode_id)["version"]
    response = correct(producer, commitment, {"official_name": "刘明", "deadline": "2027-02-28"})
    assert response.status_code == 200, response.get_json()
    state = build_state(episode_id)
    assert state["version"] == version + 1
    assert state["commitments"][0]["official_name"] == "刘明" and state["commitments"][0]["deadline"] == "2027-02-28"
    assert state["graphic"]["kind"] == "commitment" and state["graphic"]["id"] == commitment
    timeline = producer.get(f"/api/v1/commitments/{commitment}").get_json()["timeline"]
    assert timeline[0]["after"]["official_name"] == "刘敏"  # what was recorded first stays
    corrected = timeline[-1]
    assert corrected["action"] == "corrected"
    assert corrected["before"] == {"official_name": "刘敏", "deadline": "2027-01-31"}
    assert corrected["after"] == {"official_name": "刘明", "deadline": "2027-02-28"}


def test_after_the_end_only_a_supervisor_corrects(show, api):
    producer, episode_id, _items, commitment = show
    assert correct(api.as_role("supervisor"), commitment, {"content": "年底前打通"}).status_code == 403
    producer.post(f"/api/v1/episodes/{episode_id}/end")
    assert correct(producer, commitment, {"content": "年底前打通"}).status_code == 403
    assert correct(api.as_role("supervisor"), commitment, {"content": "年底前打通"}).status_code == 200
    assert build_state(episode_id)["commitments"][0]["content"] == "年底前打通"


def test_departments_and_strangers_cannot_correct(show, api):
    _producer, _episode_id, _items, commitment = show
    assert correct(api.as_role("department"), commitment, {"content": "x"}).status_code == 403
    assert correct(api.anonymous, commitment, {"content": "x"}).status_code == 401


def test_bad_corrections_are_422_and_change_nothing(show):
    producer, episode_id, _items, commitment = show
    version = build_state(episode_id)["version"]
    assert correct(producer, commitment, {}).status_code == 422
    assert correct(producer, commitment, {"official_name": ""}).status_code == 422
    assert correct(producer, commitment, {"official_name": "   "}).status_code == 422
    assert correct(producer, commitment, {"deadline": "soon"}).status_code == 422
    assert correct(producer, 999999, {"content": "x"}).status_code == 404
    assert build_state(episode_id)["version"] == version
    assert build_state(episode_id)["commitments"][0]["official_name"] == "刘敏"
