"""The commitment lifecycle table, exhaustively: every action × every state × every kind of user.

The expectations below are written out by hand from PRODUCT.md, not read from the code's
table, so that a wrong row in `states.py` fails here.
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from tracker.commitments.states import TABLE

from .commitment_data import PNG, STATES, Commitments, event_count, reload, snapshot

WORKING = {"committed", "in_progress"}
OPEN = {"committed", "in_progress", "claimed_done", "claimed_unfulfillable"}
WHO = ["own department", "other department", "producer", "supervisor", "admin", "anonymous"]


def stays(states: set[str]) -> dict[str, str]:
    return {state: state for state in states}


# endpoint → {who may act: {from state: resulting state}}; everyone else 403 (401 anonymous),
# every other state 409 `transition_not_allowed`.
EXPECTED = {
    "progress": {"own department": dict.fromkeys(WORKING, "in_progress")},
    "claim-done": {"own department": dict.fromkeys(WORKING, "claimed_done")},
    "claim-unfulfillable": {"own department": dict.fromkeys(WORKING, "claimed_unfulfillable")},
    "verify": {"supervisor": {"claimed_done": "verified"}},
    "reopen": {"supervisor": {"claimed_done": "in_progress", "claimed_unfulfillable": "in_progress"}},
    "close-unfulfilled": {"supervisor": {"claimed_unfulfillable": "closed_unfulfilled"}},
    "extension": {"own department": stays(OPEN)},
    "extension/approve": {"supervisor": stays(OPEN)},
    "extension/reject": {"supervisor": stays(OPEN)},
    "attachments": {"own department": stays(OPEN), "supervisor": stays(set(STATES))},
    "publish": {"supervisor": stays(set(STATES))},
    "unpublish": {"supervisor": stays(set(STATES))},
}
EVENTS = {
    "progress": "progress_reported", "claim-done": "claimed_done", "claim-unfulfillable": "claimed_unfulfillable",
    "verify": "verified", "reopen": "reopened", "close-unfulfilled": "closed_unfulfilled",
    "extension": "extension_requested", "extension/approve": "extension_approved",
    "extension/reject": "extension_rejected", "attachments": "evidence_added", "publish": "evidence_published",
    "unpublish": "evidence_unpublished",
}
CREATED = {"extension", "attachments"}


@pytest.fixture
def people(api, make):
    department = make.department("ZJJ", "市住建局")
    clients = {
        "own department": api.as_role("department", department),
        "other department": api.as_role("department", make.department("JTJ", "市交通局")),
        "producer": api.as_role("producer"),
        "supervisor": api.as_role("supervisor"),
        "admin": api.as_role("admin"),
        "anonymous": api.anonymous,
    }
    return department, clients


def send(client, action: str, commitment, attachment_id: int | None):
    path = f"/api/v1/commitments/{commitment.id}/{action}"
    if action == "attachments":
        return client.post(path, data={"file": (io.BytesIO(PNG), "现场.png")}, content_type="multipart/form-data")
    if action in ("publish", "unpublish"):
        return client.post(f"/api/v1/attachments/{attachment_id}/publish", json={"public": action == "publish"})
    bodies = {
        "progress": {"note": "已完成路基施工", "percent": 40},
        "verify": {"satisfaction": "satisfied", "note": "回访市民，表示满意"},
        "close-unfulfilled": {"note": "说明情况", "public_reason": "规划调整，无法按原方案实施"},
        "extension": {"deadline": (commitment.deadline + timedelta(days=30)).isoformat(), "reason": "雨季施工受阻"},
    }
    return client.post(path, json=bodies.get(action, {"note": "说明情况"}))


def expected_outcome(action: str, who: str, state: str) -> tuple[int, str]:
    allowed = EXPECTED[action]
    if who == "anonymous":
        return 401, state
    if who not in allowed:
        return 403, state
    if state not in allowed[who]:
        return 409, state
    return (201 if action in CREATED else 200), allowed[who][state]


def test_the_table_covers_every_endpoint_here():
    # The dispute moves act on a dispute (tests/test_disputes.py), not on the commitment's path.
    disputes = {"dispute_reopened", "dispute_answered"}
    assert set(EVENTS.values()) == {move.event for move in TABLE.values()} - disputes


@pytest.mark.parametrize("action", list(EXPECTED))
def test_every_state_and_every_user(app, make, people, action):
    """Accepted: the status the table says and exactly one timeline event; refused: nothing changes."""
    department, clients = people
    commitments = Commitments(make)
    wrong = []
    for state in STATES:
        for who in WHO:
            commitment = commitments.create(department, status=state)
            attachment_id = None
            if action.startswith("extension/"):
                commitments.pending_extension(commitment)
            if action in ("publish", "unpublish"):
                attachment_id = commitments.attachment(app, commitment, public=action == "unpublish").id
            before = snapshot(commitment.id)
            response = send(clients[who], action, commitment, attachment_id)
            status, target = expected_outcome(action, who, state)
            outcome = (response.status_code, reload(commitment.id).status.value)
            if outcome != (status, target):
                wrong.append(f"{who} {action} on {state}: got {outcome}, expected {(status, target)}")
                continue
            if status >= 400:
                if snapshot(commitment.id) != before:
                    wrong.append(f"{who} {action} on {state}: refused but changed something")
                if status == 409 and response.get_json()["error"]["code"] != "transition_not_allowed":
                    wrong.append(f"{who} {action} on {state}: 409 code {response.get_json()['error']['code']}")
                continue
            events = reload(commitment.id).events
            if len(events) != len(before["events"]) + 1 or events[-1].action != EVENTS[action]:
                wrong.append(f"{who} {action} on {state}: events {[e.action for e in events]}")
            elif events[-1].before and "status" in events[-1].before \
                    and (events[-1].before["status"], events[-1].after["status"]) != (state, target):
                wrong.append(f"{who} {action} on {state}: event {events[-1].before} → {events[-1].after}")
    assert wrong == []


@pytest.mark.parametrize("action", ["progress", "claim-done", "claim-unfulfillable", "verify", "reopen",
                                    "close-unfulfilled"])
def test_status_moves_record_the_status_before_and_after(app, make, people, action):
    department, clients = people
    who, moves = next(iter(EXPECTED[action].items()))
    for state, target in moves.items():
        commitment = Commitments(make).create(department, status=state)
        count = event_count(commitment.id)
        response = send(clients[who], action, commitment, None)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["status"] == target
        event = body["timeline"][-1]
        assert len(body["timeline"]) == count + 1
        assert event["before"]["status"] == state and event["after"]["status"] == target
        assert event["actor"]["id"] == clients[who].user.id
        assert event["note"]
