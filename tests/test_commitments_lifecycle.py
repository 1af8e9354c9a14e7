"""Working a commitment through its life: bodies, extensions, and a timeline nobody can rewrite."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, update

from tracker.extensions import db
from tracker.models import Commitment, CommitmentEvent, ExtensionRequest, TimelineImmutableError

from .commitment_data import Commitments, event_count, reload, snapshot

DEADLINE = date(2027, 1, 31)


@pytest.fixture
def desk(api, make):
    """A 市住建局 commitment (deadline 2027-01-31), its department's user and a supervisor."""
    department = make.department("ZJJ", "市住建局")
    commitment = Commitments(make).create(department, deadline=DEADLINE)
    return commitment.id, api.as_role("department", department), api.as_role("supervisor")


def path(commitment_id: int, action: str = "") -> str:
    return f"/api/v1/commitments/{commitment_id}" + (f"/{action}" if action else "")


def test_a_commitment_from_air_to_verified(desk):
    commitment_id, department, supervisor = desk
    steps = [
        (department, "progress", {"note": "已完成设计", "percent": 20}, "in_progress"),
        (department, "progress", {"note": "路基完工", "percent": 70}, "in_progress"),
        (department, "claim-done", {"note": "道路已贯通"}, "claimed_done"),
        (supervisor, "reopen", {"note": "暗访发现路灯未装"}, "in_progress"),
        (department, "progress", {"note": "路灯已安装"}, "in_progress"),
        (department, "claim-done", {"note": "全部完成"}, "claimed_done"),
        (supervisor, "verify", {"satisfaction": "basically_satisfied", "note": "回访：基本满意"}, "verified"),
    ]
    timeline = None
    for client, action, body, status in steps:
        response = client.post(path(commitment_id, action), json=body)
        assert response.status_code == 200, response.get_json()
        result = response.get_json()
        assert result["status"] == status
        if timeline is not None:  # what was there stays exactly as it was
            assert result["timeline"][:-1] == timeline
        timeline = result["timeline"]
    # Verified is done: the progress is 100 %, whatever the last report said.
    assert result["satisfaction"] == "basically_satisfied" and result["progress_percent"] == 100
    assert [e["action"] for e in timeline] == [
        "committed", "progress_reported", "progress_reported", "claimed_done", "reopened", "progress_reported",
        "claimed_done", "verified"]
    assert timeline[-1]["before"] == {"status": "claimed_done", "satisfaction": None, "progress_percent": 70}
    assert timeline[-1]["after"] == {"status": "verified", "satisfaction": "basically_satisfied",
                                     "progress_percent": 100}
    assert timeline[5]["before"] == timeline[5]["after"] == {"status": "in_progress", "progress_percent": 70}


def test_the_claim_in_force_and_the_closing_moment_are_kept(app, desk):
    """For the league table: when the claim that was verified was made, and when it closed."""
    commitment_id, department, supervisor = desk

    def moments():
        with app.app_context():
            commitment = db.session.get(Commitment, commitment_id)
            return commitment.claimed_done_at, commitment.closed_at

    assert moments() == (None, None)
    department.post(path(commitment_id, "claim-done"), json={"note": "完成"})
    first_claim, closed = moments()
    assert first_claim is not None and closed is None
    supervisor.post(path(commitment_id, "reopen"), json={"note": "未完成"})
    assert moments() == (None, None)
    department.post(path(commitment_id, "claim-done"), json={"note": "这次真的完成"})
    supervisor.post(path(commitment_id, "verify"), json={"satisfaction": "satisfied"})
    claim, closed = moments()
    assert claim >= first_claim and closed >= claim


def test_unfulfillable_then_closed(desk):
    commitment_id, department, supervisor = desk
    assert department.post(path(commitment_id, "claim-unfulfillable"), json={"note": "涉及规划调整"}).status_code == 200
    response = supervisor.post(path(commitment_id, "close-unfulfilled"),
                               json={"note": "经核实确实无法实施", "public_reason": "涉及规划调整，无法实施"})
    assert response.status_code == 200 and response.get_json()["status"] == "closed_unfulfilled"
    assert response.get_json()["is_overdue"] is False


@pytest.mark.parametrize("percent", [0, 55, 100])
def test_progress_percent_is_recorded_and_may_go_down(desk, percent):
    commitment_id, department, _ = desk
    department.post(path(commitment_id, "progress"), json={"note": "开工", "percent": 60})
    body = department.post(path(commitment_id, "progress"), json={"note": "复核", "percent": percent}).get_json()
    assert body["progress_percent"] == percent
    assert body["timeline"][-1]["before"]["progress_percent"] == 60
    assert body["timeline"][-1]["after"]["progress_percent"] == percent


@pytest.mark.parametrize(("action", "body", "field"), [
    ("progress", {"note": "x", "percent": 101}, "percent"),
    ("progress", {"note": "x", "percent": -1}, "percent"),
    ("progress", {"note": "x", "percent": "50"}, "percent"),
    ("progress", {"percent": 50}, "note"),
    ("progress", {"note": "   "}, "note"),
    ("progress", {"note": "x" * 2001}, "note"),
    ("progress", {"note": "x", "colour": "red"}, "colour"),
    ("claim-done", {}, "note"),
    ("claim-done", {"note": ""}, "note"),
    ("claim-unfulfillable", {"note": " \n "}, "note"),
])
def test_department_bodies_are_checked(desk, action, body, field):
    commitment_id, department, _ = desk
    before = snapshot(commitment_id)
    response = department.post(path(commitment_id, action), json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert snapshot(commitment_id) == before


@pytest.mark.parametrize(("action", "body", "field"), [
    ("verify", {"note": "x"}, "satisfaction"),
    ("verify", {"satisfaction": "happy"}, "satisfaction"),
    ("reopen", {}, "note"),
    ("reopen", {"note": "  "}, "note"),
])
def test_supervisor_bodies_are_checked(desk, action, body, field):
    commitment_id, department, supervisor = desk
    department.post(path(commitment_id, "claim-done"), json={"note": "完成"})
    before = snapshot(commitment_id)
    response = supervisor.post(path(commitment_id, action), json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert snapshot(commitment_id) == before


def test_verify_without_a_note_is_fine(desk):
    commitment_id, department, supervisor = desk
    department.post(path(commitment_id, "claim-done"), json={"note": "完成"})
    response = supervisor.post(path(commitment_id, "verify"),
                               json={"satisfaction": "unsatisfied", "public_reason": "已按承诺完成，群众仍有异议"})
    assert response.status_code == 200
    assert response.get_json()["satisfaction"] == "unsatisfied" and response.get_json()["timeline"][-1]["note"] == ""


def test_a_refused_move_answers_409_with_the_code_and_changes_nothing(desk):
    commitment_id, _, supervisor = desk
    before = snapshot(commitment_id)
    response = supervisor.post(path(commitment_id, "verify"), json={"satisfaction": "satisfied"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "transition_not_allowed"
    assert snapshot(commitment_id) == before


def test_unknown_commitment_is_404_for_every_action(desk):
    _, department, supervisor = desk
    assert department.post(path(999999, "progress"), json={"note": "x"}).status_code == 404
    assert supervisor.post(path(999999, "extension/approve"), json={}).status_code == 404


# Extensions ---------------------------------------------------------------------------------


def ask(department, commitment_id: int, deadline: str = "2027-03-31", reason: str = "雨季无法施工"):
    return department.post(path(commitment_id, "extension"), json={"deadline": deadline, "reason": reason})


def test_an_approved_extension_moves_the_deadline_and_keeps_the_original(desk):
    commitment_id, department, supervisor = desk
    asked = ask(department, commitment_id)
    assert asked.status_code == 201, asked.get_json()
    body = asked.get_json()
    assert body["extension"]["status"] == "pending" and body["extension"]["deadline"] == "2027-03-31"
    assert body["extension"]["previous_deadline"] == "2027-01-31" and body["extension"]["reason"] == "雨季无法施工"
    assert body["extension"]["requested_by"]["id"] == department.user.id
    assert body["deadline"] == "2027-01-31" and body["extension_pending"] is True
    assert body["timeline"][-1]["action"] == "extension_requested" and body["timeline"][-1]["note"] == "雨季无法施工"
    listed = supervisor.get("/api/v1/commitments?extension_pending=true").get_json()["items"]
    assert [item["id"] for item in listed] == [commitment_id]

    approved = supervisor.post(path(commitment_id, "extension/approve"), json={"note": "同意延期"}).get_json()
    assert approved["deadline"] == "2027-03-31" and approved["original_deadline"] == "2027-01-31"
    assert approved["extension"] is None and approved["extension_pending"] is False
    event = approved["timeline"][-1]
    assert event["action"] == "extension_approved" and event["note"] == "同意延期"
    assert event["before"]["deadline"] == "2027-01-31" and event["after"]["deadline"] == "2027-03-31"
    assert event["after"]["extension"]["status"] == "approved"
    assert event["actor"]["role"] == "supervisor"


def test_a_rejected_extension_leaves_the_deadline(desk):
    commitment_id, department, supervisor = desk
    ask(department, commitment_id)
    response = supervisor.post(path(commitment_id, "extension/reject"), json={"note": "理由不充分"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["deadline"] == "2027-01-31" and body["extension"] is None
    assert body["timeline"][-1]["action"] == "extension_rejected"
    assert body["timeline"][-1]["after"] == {"deadline": "2027-01-31", "extension": {
        "id": body["timeline"][-2]["after"]["extension"]["id"], "deadline": "2027-03-31", "status": "rejected"}}
    # A new request may follow a decided one.
    assert ask(department, commitment_id, "2027-02-28").status_code == 201


def test_only_one_request_waits_at_a_time(desk):
    commitment_id, department, _ = desk
    ask(department, commitment_id)
    before = snapshot(commitment_id)
    second = ask(department, commitment_id, "2027-04-30")
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "extension_pending"
    assert snapshot(commitment_id) == before


@pytest.mark.parametrize("deadline", ["2027-01-31", "2027-01-30", "2020-01-01"])
def test_the_new_deadline_must_be_later(desk, deadline):
    commitment_id, department, _ = desk
    before = snapshot(commitment_id)
    response = ask(department, commitment_id, deadline)
    assert response.status_code == 422 and "deadline" in response.get_json()["error"]["fields"]
    assert snapshot(commitment_id) == before


@pytest.mark.parametrize("body", [{"deadline": "2027-03-31"}, {"deadline": "2027-03-31", "reason": " "},
                                  {"reason": "x"}, {"deadline": "31/03/2027", "reason": "x"}])
def test_an_extension_request_needs_a_date_and_a_reason(desk, body):
    commitment_id, department, _ = desk
    response = department.post(path(commitment_id, "extension"), json=body)
    assert response.status_code == 422


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_deciding_with_nothing_pending_is_409(desk, decision):
    commitment_id, _, supervisor = desk
    before = snapshot(commitment_id)
    response = supervisor.post(path(commitment_id, f"extension/{decision}"), json={})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "no_pending_extension"
    assert snapshot(commitment_id) == before


def test_a_decision_needs_no_body(desk):
    commitment_id, department, supervisor = desk
    ask(department, commitment_id)
    response = supervisor.client.post(path(commitment_id, "extension/approve"),
                                      headers={"Authorization": f"Bearer {supervisor.token}"})
    assert response.status_code == 200, response.get_json()


def test_a_pending_request_lapses_when_the_commitment_is_verified(desk):
    commitment_id, department, supervisor = desk
    ask(department, commitment_id)
    department.post(path(commitment_id, "claim-done"), json={"note": "提前完成"})
    body = supervisor.post(path(commitment_id, "verify"), json={"satisfaction": "satisfied"}).get_json()
    assert body["extension"] is None and body["deadline"] == "2027-01-31"
    event = body["timeline"][-1]
    assert event["action"] == "verified"
    assert event["before"]["extension"]["status"] == "pending" and event["after"]["extension"]["status"] == "lapsed"
    assert supervisor.post(path(commitment_id, "extension/approve"), json={}).status_code == 409


@pytest.mark.both_databases
def test_the_database_refuses_a_second_pending_request(app, desk):
    commitment_id, _, _ = desk
    rows = [ExtensionRequest(commitment_id=commitment_id, current_deadline=DEADLINE,
                             requested_deadline=DEADLINE + timedelta(days=n), reason="x") for n in (1, 2)]
    db.session.add_all(rows)
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.session.commit()
    db.session.rollback()


# Concurrency and the timeline's immutability --------------------------------------------------


@pytest.mark.both_databases
def test_two_claims_at_once_one_wins(app, desk):
    commitment_id, department, _ = desk
    results: list[int] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        barrier.wait()
        results.append(department.post(path(commitment_id, "claim-done"), json={"note": "完成"}).status_code)

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    assert event_count(commitment_id) == 2


@pytest.mark.both_databases
def test_a_timeline_event_cannot_be_changed(desk):
    commitment_id, _, _ = desk
    event = reload(commitment_id).events[0]
    event.note = "改写历史"
    with pytest.raises(TimelineImmutableError):
        db.session.commit()
    db.session.rollback()
    assert reload(commitment_id).events[0].note == ""


@pytest.mark.both_databases
def test_a_timeline_event_cannot_be_deleted(desk):
    commitment_id, _, _ = desk
    db.session.delete(reload(commitment_id).events[0])
    with pytest.raises(TimelineImmutableError):
        db.session.commit()
    db.session.rollback()
    assert event_count(commitment_id) == 1


@pytest.mark.parametrize("statement", [
    update(CommitmentEvent).values(note="改写"),
    delete(CommitmentEvent),
])
@pytest.mark.both_databases
def test_bulk_statements_cannot_touch_the_timeline(desk, statement):
    commitment_id, _, _ = desk
    with pytest.raises(TimelineImmutableError):
        db.session.execute(statement)
    db.session.rollback()
    assert event_count(commitment_id) == 1 and reload(commitment_id).events[0].note == ""


def test_deleting_a_commitment_with_a_timeline_is_refused(desk):
    commitment_id, _, _ = desk
    db.session.delete(reload(commitment_id))
    with pytest.raises(TimelineImmutableError):
        db.session.commit()
    db.session.rollback()


def test_no_endpoint_edits_or_deletes_anything_of_a_commitment(app):
    """The API offers no PUT or DELETE on commitments, their events or their evidence; the one PATCH
    is the correction of what was recorded on air, which the timeline keeps (PRODUCT.md)."""
    for rule in app.url_map.iter_rules():
        if "/commitments" in rule.rule or "/attachments" in rule.rule:
            edits = rule.methods & {"PUT", "PATCH", "DELETE"}
            if rule.rule == "/api/v1/commitments/<int:commitment_id>":
                assert edits <= {"PATCH"}, rule.rule
            else:
                assert not edits, rule.rule
