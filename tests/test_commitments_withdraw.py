"""Withdrawing a commitment recorded by mistake: gone from state, screen and every public or
department surface; kept in the internal log."""
from __future__ import annotations

import pytest

from tracker.live.state import build_state

from .test_on_air import post, show  # noqa: F401 - the fixture

# Compare-and-set versions, the withdrawn-row filter and SQL text search differ by database.
pytestmark = pytest.mark.both_databases


def withdraw(client, commitment_id, reason="记错了部门"):
    return client.post(f"/api/v1/commitments/{commitment_id}/withdraw", json={"reason": reason})


def test_withdrawn_leaves_state_screen_and_public_surfaces(show, client):
    producer, episode_id, (first, _s, _t), commitment = show
    post(producer, episode_id, f"rundown/{first}/take")
    post(producer, episode_id, "graphic", {"kind": "quote", "id": commitment})
    assert client.get("/api/v1/public/commitments").get_json()["total"] == 1
    response = withdraw(producer, commitment)
    assert response.status_code == 204, response.get_json()
    state = build_state(episode_id)
    assert state["commitments"] == [] and state["graphic"]["kind"] == "none"
    assert client.get("/api/v1/public/commitments").get_json() == {"items": [], "total": 0, "total_capped": False}
    assert client.get(f"/api/v1/public/commitments/{commitment}").status_code == 404
    assert "刘敏" not in client.get("/commitments.csv").get_data(as_text=True)
    assert client.get("/open311/v2/requests.json").get_json() == [] or all(
        "刘敏" not in str(entry) for entry in client.get("/open311/v2/requests.json").get_json())
    assert producer.get("/api/v1/commitments").get_json()["total"] == 0
    log = producer.get(f"/api/v1/episodes/{episode_id}/rundown/log").get_json()
    assert log[-1]["action"] == "commitment_withdraw" and log[-1]["after"]["reason"] == "记错了部门"
    # undo does not bring it back
    assert post(producer, episode_id, "rundown/undo").get_json()["error"]["code"] == "nothing_to_undo"
    assert post(producer, episode_id, "graphic", {"kind": "commitment", "id": commitment}).status_code == 422


def test_withdraw_errors_change_nothing(show, api):
    producer, episode_id, _items, commitment = show
    assert withdraw(api.as_role("supervisor"), commitment).status_code == 403
    assert withdraw(api.as_role("department"), commitment).status_code == 403
    assert withdraw(api.anonymous, commitment).status_code == 401
    assert withdraw(producer, commitment, "  ").status_code == 422
    assert producer.post(f"/api/v1/commitments/{commitment}/withdraw", json={}).status_code == 422
    assert withdraw(producer, 999999).status_code == 404
    assert len(build_state(episode_id)["commitments"]) == 1
    assert withdraw(producer, commitment).status_code == 204
    assert withdraw(producer, commitment).get_json()["error"]["code"] == "already_withdrawn"


def test_withdraw_only_while_live(show):
    producer, episode_id, _items, commitment = show
    producer.post(f"/api/v1/episodes/{episode_id}/end")
    refused = withdraw(producer, commitment)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "episode_not_live"
    assert len(build_state(episode_id)["commitments"]) == 1
