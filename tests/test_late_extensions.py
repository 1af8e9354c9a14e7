"""An extension never moves a deadline to a day that has gone by (asked for or approved)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.commitments import rules

from .commitment_data import Commitments, snapshot
from .test_workspace_pages import post

TODAY = date(2027, 2, 12)          # 12 days after the deadline said on air
DEADLINE = date(2027, 1, 31)


@pytest.fixture
def late(api, make, monkeypatch):
    monkeypatch.setattr(rules, "today", lambda: TODAY)
    department = make.department("ZJJ", "市住建局")
    commitment = Commitments(make).create(department, deadline=DEADLINE)
    return commitment.id, api.as_role("department", department), api.as_role("supervisor")


def ask(client, commitment_id: int, deadline: date):
    return client.post(f"/api/v1/commitments/{commitment_id}/extension",
                       json={"deadline": deadline.isoformat(), "reason": "雨季无法施工"})


@pytest.mark.parametrize("deadline", [DEADLINE + timedelta(days=1), TODAY - timedelta(days=1)])
def test_an_extension_to_a_day_already_past_is_refused(late, deadline):
    commitment_id, department, _supervisor = late
    before = snapshot(commitment_id)
    response = ask(department, commitment_id, deadline)
    assert response.status_code == 422
    assert "deadline" in response.get_json()["error"]["fields"]
    assert snapshot(commitment_id) == before


def test_an_extension_asked_after_the_deadline_to_a_coming_day_is_allowed(late):
    commitment_id, department, supervisor = late
    assert ask(department, commitment_id, TODAY).status_code == 201
    approved = supervisor.post(f"/api/v1/commitments/{commitment_id}/extension/approve", json={})
    assert approved.status_code == 200
    body = approved.get_json()
    assert body["deadline"] == TODAY.isoformat() and body["original_deadline"] == DEADLINE.isoformat()


def test_a_request_whose_day_has_passed_by_the_decision_cannot_be_approved(late, monkeypatch):
    commitment_id, department, supervisor = late
    assert ask(department, commitment_id, TODAY + timedelta(days=2)).status_code == 201
    monkeypatch.setattr(rules, "today", lambda: TODAY + timedelta(days=5))
    before = snapshot(commitment_id)
    response = supervisor.post(f"/api/v1/commitments/{commitment_id}/extension/approve", json={})
    assert response.status_code == 422
    assert snapshot(commitment_id) == before
    rejected = supervisor.post(f"/api/v1/commitments/{commitment_id}/extension/reject", json={})
    assert rejected.status_code == 200 and rejected.get_json()["deadline"] == DEADLINE.isoformat()


def test_the_department_page_refuses_a_day_already_past(late, api, make):
    commitment_id, department, _supervisor = late
    client, csrf = api.session_login(department.user)
    before = snapshot(commitment_id)
    response = post(client, f"/dept/commitments/{commitment_id}/extension?lang=en",
                    {"deadline": (TODAY - timedelta(days=1)).isoformat(), "reason": "雨季无法施工"}, csrf, "extension")
    assert response.status_code == 422
    assert "already passed" in response.get_data(as_text=True)
    assert snapshot(commitment_id) == before
