"""The follow-up segment (回头看): a supervisor picks earlier commitments, they go into a coming
episode's running order as one block, and on air the displays show how each one stands."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.commitment_data import Commitments
from tracker.commitments import lifecycle, rules
from tracker.extensions import db
from tracker.models import Case, CaseStatus, CommitmentEvent, RundownEvent, RundownFollowup

COMPLAINANT = "张秀兰"
PHONE = "13912345678"
SECRET_NOTE = "内部备注：施工方老板是局长的亲戚"


@pytest.fixture
def desk(api, make):
    """A coming episode with one case in its running order, and three earlier commitments."""
    producer = api.as_role("producer")
    department = make.department("ZJJ", "市住建局")
    air_date = (rules.today() + timedelta(days=5)).isoformat()
    episode = producer.post("/api/v1/episodes", json={"title": "回头看专场", "air_date": air_date}).get_json()
    case = make.case("幸福路断头路十年未通", departments=[department], complainant_name=COMPLAINANT,
                     complainant_phone=PHONE)
    case_item = producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id}).get_json()
    old = make.episode(title="上期节目", air_date=rules.today() - timedelta(days=60))
    commitments = Commitments(make)
    overdue = commitments.create(department, episode=old, deadline=rules.today() - timedelta(days=10),
                                 content="月底前修好路灯")
    working = commitments.create(department, episode=old, content="三个月内完成管网改造")
    verified = commitments.create(department, episode=old, status="verified", content="拆除违建")
    # The complainant of the commitments' case is private too.
    commitments._cases[department.id].complainant_name = COMPLAINANT
    commitments._cases[department.id].complainant_phone = PHONE
    db.session.commit()
    reporter = make.user("department", department=department)
    lifecycle.perform(working.id, "progress", reporter, {"note": SECRET_NOTE, "percent": 60})
    return {"producer": producer, "episode": episode["id"], "case_item": case_item["id"], "case": case.id,
            "ids": [overdue.id, working.id, verified.id], "department": department}


def add_block(client, episode_id, ids, **extra):
    return client.post(f"/api/v1/episodes/{episode_id}/rundown/followup", json={"commitment_ids": ids, **extra})


def version_of(producer, episode_id):
    return producer.get(f"/api/v1/episodes/{episode_id}/rundown").get_json()["version"]


def act(producer, episode_id, item_id, action, body=None):
    response = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{item_id}/{action}", json=body or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def live_state(socket_client, episode_id):
    client = socket_client("/live", auth={"episode": episode_id})
    return [e["args"][0] for e in client.get_received("/live") if e["name"] == "state"][-1]


@pytest.mark.parametrize("role", ["producer", "supervisor"])
def test_producer_or_supervisor_adds_a_block_at_the_end(api, desk, role):
    client = api.as_role(role)
    before = version_of(desk["producer"], desk["episode"])
    response = add_block(client, desk["episode"], desk["ids"], planned_seconds=300)
    assert response.status_code == 201, response.get_json()
    item = response.get_json()
    assert item["kind"] == "followup" and item["case_id"] is None and item["state"] == "queued"
    assert item["title"] == "回头看" and item["commitment_ids"] == desk["ids"]
    assert item["case"] == {"id": None, "ref": None, "title": "回头看", "lead_department": None}
    rundown = desk["producer"].get(f"/api/v1/episodes/{desk['episode']}/rundown").get_json()
    assert rundown["version"] == before + 1
    assert [i["kind"] for i in rundown["items"]] == ["case", "followup"]
    assert rundown["items"][1]["position"] == 1 and rundown["items"][1]["planned_seconds"] == 300
    event = db.session.scalars(select(RundownEvent).order_by(RundownEvent.id.desc())).first()
    assert event.action == "add" and event.after["items"][str(item["id"])]["commitment_ids"] == desk["ids"]


def test_a_department_may_not_add_a_block(api, desk):
    assert add_block(api.as_role("department"), desk["episode"], desk["ids"]).status_code == 403


def test_the_heading_can_be_chosen(api, desk):
    item = add_block(api.as_role("supervisor"), desk["episode"], desk["ids"][:1], title="  承诺兑现了吗  ").get_json()
    assert item["title"] == "承诺兑现了吗"


@pytest.mark.parametrize("ids", [[], [999999], "twice", None])
def test_an_invalid_pick_changes_nothing(api, desk, ids):
    ids = [desk["ids"][0], desk["ids"][0]] if ids == "twice" else ids
    before = version_of(desk["producer"], desk["episode"])
    body = {} if ids is None else {"commitment_ids": ids}
    response = api.as_role("supervisor").post(f"/api/v1/episodes/{desk['episode']}/rundown/followup", json=body)
    assert response.status_code == 422
    assert "commitment_ids" in response.get_json()["error"]["fields"]
    assert version_of(desk["producer"], desk["episode"]) == before
    assert db.session.scalar(select(func.count(RundownFollowup.id))) == 0


def test_an_ended_episode_takes_no_block(api, desk):
    producer = desk["producer"]
    producer.post(f"/api/v1/episodes/{desk['episode']}/start")
    producer.post(f"/api/v1/episodes/{desk['episode']}/end")
    before = version_of(producer, desk["episode"])
    response = add_block(api.as_role("supervisor"), desk["episode"], desk["ids"])
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "episode_ended"
    assert len(response.get_json()["rundown"]["items"]) == 1
    assert version_of(producer, desk["episode"]) == before


def test_an_unknown_episode_is_404(api, desk):
    assert add_block(api.as_role("supervisor"), 999999, desk["ids"]).status_code == 404


def test_the_block_on_air_shows_each_commitment_and_nothing_private(socket_client, desk):
    producer, episode_id = desk["producer"], desk["episode"]
    block = add_block(producer, episode_id, desk["ids"], title="承诺兑现了吗").get_json()
    act(producer, episode_id, block["id"], "take")
    state = live_state(socket_client, episode_id)
    on_air = state["on_air"]
    assert on_air["kind"] == "followup" and on_air["item_id"] == block["id"]
    assert on_air["case"] == {"id": None, "ref": None, "title": "承诺兑现了吗", "summary": "", "location": "",
                              "departments": ["市住建局"]}
    board = on_air["followup"]
    assert board["title"] == "承诺兑现了吗"
    assert [c["id"] for c in board["commitments"]] == desk["ids"]
    overdue, working, verified = board["commitments"]
    assert overdue["is_overdue"] is True and overdue["urgency"] == {"kind": "overdue", "days": 10}
    assert working["status"] == "in_progress" and working["progress_percent"] == 60
    assert working["latest_progress"]["percent"] == 60 and working["latest_progress"]["at"]
    assert overdue["latest_progress"] is None
    assert verified["status"] == "verified" and verified["is_overdue"] is False
    assert set(working) >= {"id", "case_id", "case_ref", "case_title", "department", "official_name",
                            "official_title", "content", "deadline", "original_deadline", "status", "is_overdue",
                            "progress_percent", "satisfaction", "latest_progress"}
    entry = next(e for e in state["queue"] if e["item_id"] == block["id"])
    assert entry["kind"] == "followup" and entry["case"] == {"id": None, "ref": None, "title": "承诺兑现了吗"}
    assert entry["followup_count"] == 3
    text = json.dumps(state, ensure_ascii=False)
    for private in (COMPLAINANT, PHONE, SECRET_NOTE):
        assert private not in text


def test_a_case_item_keeps_its_shape(socket_client, desk):
    producer, episode_id = desk["producer"], desk["episode"]
    add_block(producer, episode_id, desk["ids"])
    act(producer, episode_id, desk["case_item"], "take")
    state = live_state(socket_client, episode_id)
    assert set(state["on_air"]) == {"item_id", "kind", "started_at", "planned_seconds", "actual_seconds", "case"}
    assert state["on_air"]["kind"] == "case"
    assert set(state["on_air"]["case"]) == {"id", "ref", "title", "summary", "location", "departments"}
    entry = state["queue"][0]
    assert set(entry) == {"item_id", "kind", "state", "position", "planned_seconds", "actual_seconds",
                          "started_at", "ended_at", "case"}
    assert entry["kind"] == "case" and set(entry["case"]) == {"id", "ref", "title"}


def test_a_block_moves_like_a_case_item(desk):
    producer, episode_id, case_item = desk["producer"], desk["episode"], desk["case_item"]
    block = add_block(producer, episode_id, desk["ids"]).get_json()["id"]
    act(producer, episode_id, case_item, "take")
    act(producer, episode_id, block, "standby")
    rundown = act(producer, episode_id, block, "take")
    assert {i["id"]: i["state"] for i in rundown["items"]} == {case_item: "done", block: "on_air"}
    rundown = act(producer, episode_id, block, "done")
    assert rundown["items"][1]["state"] == "done" and rundown["items"][1]["actual_seconds"] >= 0
    act(producer, episode_id, block, "requeue")
    act(producer, episode_id, block, "hold")
    act(producer, episode_id, block, "skip")
    rundown = act(producer, episode_id, block, "move", {"position": 0})
    assert [i["id"] for i in rundown["items"]] == [block, case_item]
    rundown = producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={}).get_json()
    assert [i["id"] for i in rundown["items"]] == [case_item, block]
    assert db.session.get(Case, desk["case"]).status is CaseStatus.AIRED


def test_a_block_not_yet_on_air_can_be_removed(desk):
    producer, episode_id = desk["producer"], desk["episode"]
    block = add_block(producer, episode_id, desk["ids"]).get_json()["id"]
    rundown = act(producer, episode_id, block, "remove")
    assert [i["id"] for i in rundown["items"]] == [desk["case_item"]]
    assert db.session.scalar(select(func.count(RundownFollowup.id))) == 0


def test_a_block_that_was_on_air_stays(desk):
    producer, episode_id = desk["producer"], desk["episode"]
    block = add_block(producer, episode_id, desk["ids"]).get_json()["id"]
    act(producer, episode_id, block, "take")
    act(producer, episode_id, block, "done")
    response = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{block}/remove", json={})
    assert response.status_code == 409


def test_a_status_change_reaches_the_displays_of_the_block(api, socket_client, desk):
    producer, episode_id = desk["producer"], desk["episode"]
    add_block(producer, episode_id, desk["ids"])
    client = socket_client("/live", auth={"episode": episode_id})
    client.get_received("/live")
    department = api.as_role("department", department=desk["department"])
    response = department.post(f"/api/v1/commitments/{desk['ids'][1]}/claim-done", json={"note": "已完工"})
    assert response.status_code == 200, response.get_json()
    assert any(e["name"] == "state" for e in client.get_received("/live"))


def test_a_status_change_made_on_the_pages_reaches_the_displays_too(api, make, socket_client, desk):
    producer, episode_id = desk["producer"], desk["episode"]
    add_block(producer, episode_id, desk["ids"])
    client = socket_client("/live", auth={"episode": episode_id})
    client.get_received("/live")
    staff, token = api.session_login(make.user("department", department=desk["department"]))
    response = staff.post(f"/dept/commitments/{desk['ids'][1]}/claim-done",
                          data={"done-note": "已完工", "done-csrf_token": token})
    assert response.status_code == 302
    states = [e["args"][0] for e in client.get_received("/live") if e["name"] == "state"]
    assert states and states[-1]["queue"][-1]["kind"] == "followup"
    supervisor, token = api.session_login(make.user("supervisor"))
    response = supervisor.post(f"/oversight/commitments/{desk['ids'][1]}/verify",
                               data={"verify-satisfaction": "satisfied", "verify-csrf_token": token})
    assert response.status_code == 302
    assert any(e["name"] == "state" for e in client.get_received("/live"))


# ---- the picker page on the oversight desk ----

def signed_in(api, make, role="supervisor"):
    return api.session_login(make.user(role))


def test_the_picker_lists_each_group(api, make, desk):
    reopened = Commitments(make).create(desk["department"], status="in_progress", content="清理河道垃圾")
    db.session.add(CommitmentEvent(commitment_id=reopened.id, action="reopened", before={}, after={}, note="x"))
    db.session.commit()
    client, _csrf = signed_in(api, make)
    page = client.get("/oversight/followup")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    groups = {name: html.split(f'data-followup-group="{name}"')[1].split("</section>")[0]
              for name in ("overdue", "unsatisfied", "recent")}
    assert "月底前修好路灯" in groups["overdue"] and "三个月内完成管网改造" not in groups["overdue"]
    assert "清理河道垃圾" in groups["unsatisfied"]
    assert "回头看专场" in html  # the coming episode is offered
    assert COMPLAINANT not in html and PHONE not in html


def test_an_unsatisfied_verdict_is_a_candidate(api, make, desk):
    commitment = Commitments(make).create(desk["department"], status="verified", content="加装减速带")
    commitment.satisfaction = "unsatisfied"
    db.session.commit()
    client, _csrf = signed_in(api, make)
    html = client.get("/oversight/followup").get_data(as_text=True)
    assert "加装减速带" in html.split('data-followup-group="unsatisfied"')[1].split("</section>")[0]


def test_the_picker_adds_a_block(api, make, desk):
    client, csrf = signed_in(api, make)
    response = client.post("/oversight/followup", data={
        "csrf_token": csrf, "episode_id": str(desk["episode"]), "title": "",
        "commitment_ids": [str(desk["ids"][0]), str(desk["ids"][2]), str(desk["ids"][0])]})
    assert response.status_code == 302
    rundown = desk["producer"].get(f"/api/v1/episodes/{desk['episode']}/rundown").get_json()
    block = rundown["items"][-1]
    assert block["kind"] == "followup" and block["commitment_ids"] == [desk["ids"][0], desk["ids"][2]]
    assert block["title"] == "回头看"


def test_the_picker_explains_a_missing_pick(api, make, desk):
    client, csrf = signed_in(api, make)
    response = client.post("/oversight/followup", data={"csrf_token": csrf, "episode_id": str(desk["episode"])})
    assert response.status_code == 422
    assert "Pick at least one commitment." in response.get_data(as_text=True) or \
        "请至少选择一项承诺" in response.get_data(as_text=True)
    assert len(desk["producer"].get(f"/api/v1/episodes/{desk['episode']}/rundown").get_json()["items"]) == 1


def test_the_picker_is_for_supervisors(api, make):
    client, _csrf = signed_in(api, make, "producer")
    assert client.get("/oversight/followup").status_code == 403


@pytest.mark.both_databases
@pytest.mark.parametrize("bogus", [str(2**63), "9" * 5000, "²"])
def test_the_picker_takes_an_id_beyond_the_database_for_no_id(api, make, desk, bogus):
    client, csrf = signed_in(api, make)
    for form in ({"episode_id": bogus, "commitment_ids": [str(desk["ids"][0])]},
                 {"episode_id": str(desk["episode"]), "commitment_ids": [bogus]}):
        response = client.post("/oversight/followup", data={"csrf_token": csrf, **form})
        assert response.status_code == 422, form
    assert len(desk["producer"].get(f"/api/v1/episodes/{desk['episode']}/rundown").get_json()["items"]) == 1
