"""The public API: what anyone may read about commitments, and nothing private."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import CommitmentStatus, Poll, RundownItem, Satisfaction, utcnow

from .commitment_data import Commitments

TODAY = date(2026, 12, 10)
SECRET_NAME, SECRET_PHONE = "欧阳秘密人", "13712345678"
SECRET_NOTE, SECRET_FILE = "内部备注请勿公开", "欧阳秘密人身份证.png"


@pytest.fixture
def on_day(monkeypatch):
    monkeypatch.setattr(rules, "today", lambda: TODAY)


def moment(day: date, hour: int = 10) -> datetime:
    """A moment on that Asia/Shanghai day, as stored (UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=rules.SHANGHAI).astimezone(UTC)


@pytest.fixture
def city(app, api, make, on_day):
    """Two departments' commitments, one worked through the API with private notes and evidence."""
    zjj, jtj = make.department("ZJJ", "市住建局"), make.department("JTJ", "市交通局")
    case = make.case("幸福路断头路", departments=[zjj], complainant_name=SECRET_NAME, complainant_phone=SECRET_PHONE)
    commitments = Commitments(make)
    commitments._cases[zjj.id] = case
    worked = commitments.create(zjj, deadline=TODAY + timedelta(days=20), content="月底前打通幸福路")
    overdue = commitments.create(jtj, deadline=TODAY - timedelta(days=2), content="修复公交站台")
    verified = commitments.create(jtj, deadline=TODAY + timedelta(days=5), status="verified", content="更换路灯")
    department, supervisor = api.as_role("department", zjj), api.as_role("supervisor")
    department.post(f"/api/v1/commitments/{worked.id}/progress", json={"note": SECRET_NOTE, "percent": 40})
    department.post(f"/api/v1/commitments/{worked.id}/extension",
                    json={"deadline": (TODAY + timedelta(days=40)).isoformat(), "reason": SECRET_NOTE})
    supervisor.post(f"/api/v1/commitments/{worked.id}/extension/approve", json={"note": SECRET_NOTE})
    hidden = commitments.attachment(app, worked)
    shown = commitments.attachment(app, worked, public=True)
    for attachment in (hidden, shown):
        attachment.original_name = SECRET_FILE
    db.session.commit()
    return {"worked": worked.id, "overdue": overdue.id, "verified": verified.id,
            "hidden": hidden.id, "shown": shown.id}


@pytest.mark.both_databases
def test_anyone_lists_commitments_overdue_first(client, city):
    body = client.get("/api/v1/public/commitments").get_json()
    assert body["total"] == 3
    assert body["items"][0]["id"] == city["overdue"]
    item = next(i for i in body["items"] if i["id"] == city["worked"])
    assert item["department"] == {"code": "ZJJ", "name": "市住建局"}
    assert item["case"]["title"] == "幸福路断头路"
    assert item["deadline"] == (TODAY + timedelta(days=40)).isoformat()
    assert item["original_deadline"] == (TODAY + timedelta(days=20)).isoformat()
    assert item["progress_percent"] == 40 and item["status"] == "in_progress"


@pytest.mark.parametrize("query, wanted", [
    ("department=JTJ", {"overdue", "verified"}),
    ("status=verified", {"verified"}),
    ("overdue=true", {"overdue"}),
    ("overdue=false", {"worked", "verified"}),
    ("q=路灯", {"verified"}),
    ("q=幸福路", {"worked"}),      # the case's title
    ("q=ZZZ", set()),
])
def test_filters(client, city, query, wanted):
    body = client.get(f"/api/v1/public/commitments?{query}").get_json()
    found = {i["id"] for i in body["items"]}
    names = {name for name in ("worked", "overdue", "verified") if city[name] in found}
    assert names == wanted and body["total"] == len(wanted)


def test_pages(client, city):
    first = client.get("/api/v1/public/commitments?per_page=2&page=1").get_json()
    second = client.get("/api/v1/public/commitments?per_page=2&page=2").get_json()
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize("query", ["department=NOPE", "status=lost", "page=0", "per_page=1000", "overdue=maybe"])
def test_bad_filters_answer_422_in_the_error_shape(client, city, query):
    response = client.get(f"/api/v1/public/commitments?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"]


def test_a_commitment_shows_its_public_story(client, city):
    body = client.get(f"/api/v1/public/commitments/{city['worked']}").get_json()
    assert [e["action"] for e in body["timeline"]] == ["committed", "progress_reported", "extension_approved"]
    assert body["timeline"][2]["after"] == {"deadline": (TODAY + timedelta(days=40)).isoformat()}
    assert body["timeline"][1]["by"] == "department"
    assert [e["id"] for e in body["evidence"]] == [city["shown"]]


def test_only_released_evidence_is_served(client, city):
    assert client.get(f"/api/v1/public/attachments/{city['hidden']}").status_code == 404
    response = client.get(f"/api/v1/public/attachments/{city['shown']}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert SECRET_FILE.encode() not in json.dumps(dict(response.headers), ensure_ascii=False).encode()
    response.close()


def test_nothing_private_in_any_public_answer(client, city):
    answers = [client.get("/api/v1/public/commitments"), client.get("/api/v1/public/stats"),
               *(client.get(f"/api/v1/public/commitments/{city[name]}") for name in ("worked", "overdue", "verified"))]
    for response in answers:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        text = text + json.dumps(response.get_json(), ensure_ascii=False)
        for secret in (SECRET_NAME, SECRET_PHONE, SECRET_NOTE, SECRET_FILE, "李建国局长的账号"):
            assert secret not in text


def test_unknown_commitment_is_404(client, city):
    assert client.get("/api/v1/public/commitments/999999").status_code == 404


@pytest.mark.both_databases
def test_the_league_table_against_hand_computed_figures(client, make, on_day):
    zjj = make.department("ZJJ", "市住建局")
    commitments = Commitments(make)

    def made(status, deadline, *, claimed=None, closed=None, satisfaction=None, created=TODAY - timedelta(days=30)):
        commitment = commitments.create(zjj, deadline=deadline)
        commitment.status, commitment.created_at = CommitmentStatus(status), moment(created)
        commitment.claimed_done_at = moment(claimed) if claimed else None
        commitment.closed_at = moment(closed) if closed else None
        commitment.satisfaction = Satisfaction(satisfaction) if satisfaction else None
        db.session.commit()

    start = TODAY - timedelta(days=30)
    # Verified, claimed on the deadline's day (late evening Shanghai is still that day): on time, 10 days.
    made("verified", start + timedelta(days=8), claimed=start + timedelta(days=8), closed=start + timedelta(days=10),
         satisfaction="satisfied")
    # Verified, claimed a day late: not on time; 20 days; unsatisfied.
    made("verified", start + timedelta(days=8), claimed=start + timedelta(days=9), closed=start + timedelta(days=20),
         satisfaction="unsatisfied")
    made("closed_unfulfilled", start + timedelta(days=5), closed=start + timedelta(days=6))   # due, not on time
    made("in_progress", TODAY - timedelta(days=1))     # overdue: due, not on time
    made("in_progress", TODAY)                         # due today: not yet due
    made("committed", TODAY + timedelta(days=9))       # not due
    rows = client.get("/api/v1/public/stats").get_json()
    assert rows == [{"code": "ZJJ", "name": "市住建局", "total": 6, "verified": 2, "on_time_rate": 0.25,
                     "overdue": 1, "closed_unfulfilled": 1, "met_after_extension": 0,
                     "median_days_to_verification": 15.0, "satisfaction": 0.5, "audience_satisfaction": None}]
    # The period is the day the commitments were made.
    assert client.get(f"/api/v1/public/stats?since={TODAY.isoformat()}").get_json() == []


@pytest.mark.both_databases
def test_the_league_table_of_nothing_is_empty(client):
    assert client.get("/api/v1/public/stats").get_json() == []


@pytest.fixture
def voted_on(app, make):
    """20 commitments, each from another episode whose audience voted on its case."""
    commitments = Commitments(make)
    department = make.department("ZJJ", "市住建局")
    for number in range(20):
        episode = make.episode(number=900 + number)
        commitment = commitments.create(department, episode=episode, content=f"承诺{number}")
        item = RundownItem(episode_id=episode.id, case_id=commitment.case_id, position=0)
        db.session.add(item)
        db.session.flush()
        db.session.add(Poll(episode_id=episode.id, item_id=item.id, case_id=commitment.case_id, closed_at=utcnow(),
                            final_satisfied=number, final_basically_satisfied=1, final_unsatisfied=1))
    db.session.commit()


def statements_for(app, client, url):
    """The answer to GET `url`, and how many SQL statements it took."""
    seen = []
    def count(*_args):
        seen.append(1)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        body = client.get(url).get_json()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return body, len(seen)


def test_the_audience_votes_of_a_page_are_read_in_one_query(app, client, voted_on):
    few, few_statements = statements_for(app, client, "/api/v1/public/commitments?per_page=2")
    many, many_statements = statements_for(app, client, "/api/v1/public/commitments?per_page=20")
    assert len(few["items"]) == 2 and len(many["items"]) == 20
    assert all(item["audience_vote"]["total"] == item["audience_vote"]["counts"]["satisfied"] + 2
               for item in many["items"])
    assert many_statements == few_statements
