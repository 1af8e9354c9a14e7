"""Reading commitments: who sees what, the filters, the order, overdue and due soon on Shanghai's calendar."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tracker.commitments import rules

from .commitment_data import Commitments

TODAY = date(2026, 12, 10)


@pytest.fixture
def on_day(monkeypatch):
    """Fix Shanghai's calendar day for the whole app."""
    def set_day(day: date) -> None:
        monkeypatch.setattr(rules, "today", lambda: day)
    set_day(TODAY)
    return set_day


@pytest.fixture
def city(api, make, on_day):
    """Two departments, each with commitments in several states and deadlines, and their readers."""
    zjj, jtj = make.department("ZJJ", "市住建局"), make.department("JTJ", "市交通局")
    commitments = Commitments(make)
    episode = make.episode(number=12)
    later_episode = make.episode(number=13)
    made = {
        "zjj_overdue": commitments.create(zjj, deadline=TODAY - timedelta(days=1), episode=episode),
        "zjj_today": commitments.create(zjj, deadline=TODAY, status="in_progress", episode=episode),
        "zjj_in3": commitments.create(zjj, deadline=TODAY + timedelta(days=3), episode=later_episode),
        "zjj_in4": commitments.create(zjj, deadline=TODAY + timedelta(days=4), episode=later_episode),
        "zjj_verified_late": commitments.create(zjj, deadline=TODAY - timedelta(days=9), status="verified",
                                                episode=episode),
        "jtj_overdue_old": commitments.create(jtj, deadline=TODAY - timedelta(days=20), status="claimed_done",
                                              episode=episode),
        "jtj_far": commitments.create(jtj, deadline=TODAY + timedelta(days=60), status="claimed_unfulfillable",
                                      episode=later_episode),
    }
    ids = {name: c.id for name, c in made.items()}
    clients = {"zjj": api.as_role("department", zjj), "jtj": api.as_role("department", jtj),
               "supervisor": api.as_role("supervisor"), "producer": api.as_role("producer")}
    return ids, clients, {"episode": episode.id, "later_episode": later_episode.id}


def listed(client, query: str = "") -> list[int]:
    response = client.get(f"/api/v1/commitments{query}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return [item["id"] for item in body["items"]]


def names(ids: dict, *wanted: str) -> list[int]:
    return [ids[name] for name in wanted]


@pytest.mark.both_databases
def test_supervisor_sees_everything_overdue_first_then_by_deadline(city):
    ids, clients, _ = city
    expected = names(ids, "jtj_overdue_old", "zjj_overdue", "zjj_verified_late", "zjj_today", "zjj_in3",
                     "zjj_in4", "jtj_far")
    assert listed(clients["supervisor"]) == expected
    assert listed(clients["producer"]) == expected


def test_a_department_sees_only_its_own_and_the_filter_cannot_widen_it(city):
    ids, clients, _ = city
    own = names(ids, "zjj_overdue", "zjj_verified_late", "zjj_today", "zjj_in3", "zjj_in4")
    assert listed(clients["zjj"]) == own
    assert listed(clients["zjj"], "?department=ZJJ") == own
    assert listed(clients["zjj"], "?department=JTJ") == []
    assert listed(clients["jtj"]) == names(ids, "jtj_overdue_old", "jtj_far")


def test_a_department_user_without_a_department_sees_nothing(app, api, make, city):
    from tracker.extensions import db
    user = make.user("department")
    user.department_id = None
    db.session.commit()
    assert listed(api.as_user(user)) == []


def test_list_items_carry_the_derived_flags(city):
    ids, clients, _ = city
    items = {item["id"]: item for item in clients["supervisor"].get("/api/v1/commitments").get_json()["items"]}
    flags = {name: (items[i]["is_overdue"], items[i]["due_soon"]) for name, i in ids.items()}
    assert flags == {
        "zjj_overdue": (True, False), "zjj_today": (False, True), "zjj_in3": (False, True),
        "zjj_in4": (False, False), "zjj_verified_late": (False, False), "jtj_overdue_old": (True, False),
        "jtj_far": (False, False)}
    item = items[ids["zjj_today"]]
    assert item["department"] == {"code": "ZJJ", "name": "市住建局"} and item["department_code"] == "ZJJ"
    assert item["case"]["title"] and "complainant" not in str(item)
    assert item["episode"]["number"] == 12 and item["original_deadline"] == TODAY.isoformat()


@pytest.mark.parametrize(("query", "wanted"), [
    ("?overdue=true", ["jtj_overdue_old", "zjj_overdue"]),
    ("?overdue=false", ["zjj_verified_late", "zjj_today", "zjj_in3", "zjj_in4", "jtj_far"]),
    ("?due_soon=true", ["zjj_today", "zjj_in3"]),
    ("?due_soon=false", ["jtj_overdue_old", "zjj_overdue", "zjj_verified_late", "zjj_in4", "jtj_far"]),
    ("?status=in_progress", ["zjj_today"]),
    ("?status=verified", ["zjj_verified_late"]),
    ("?department=JTJ", ["jtj_overdue_old", "jtj_far"]),
    ("?department=JTJ&overdue=true", ["jtj_overdue_old"]),
    ("?status=committed&due_soon=true", ["zjj_in3"]),
])
def test_filters(city, query, wanted):
    ids, clients, _ = city
    assert listed(clients["supervisor"], query) == names(ids, *wanted)


def test_the_episode_filter(city):
    ids, clients, episodes = city
    assert listed(clients["supervisor"], f"?episode={episodes['later_episode']}") == names(
        ids, "zjj_in3", "zjj_in4", "jtj_far")
    assert listed(clients["jtj"], f"?episode={episodes['later_episode']}") == names(ids, "jtj_far")


def test_pages_and_total(city):
    ids, clients, _ = city
    body = clients["supervisor"].get("/api/v1/commitments?per_page=3&page=2").get_json()
    assert body["total"] == 7
    assert [item["id"] for item in body["items"]] == names(ids, "zjj_today", "zjj_in3", "zjj_in4")
    assert clients["zjj"].get("/api/v1/commitments?per_page=2").get_json()["total"] == 5


@pytest.mark.parametrize("query", [
    "?status=done", "?overdue=yes", "?overdue=1", "?due_soon=maybe", "?episode=abc", "?episode=999999",
    "?department=NOPE", "?page=0", "?per_page=500"])
def test_invalid_filters_answer_422(city, query):
    _, clients, _ = city
    response = clients["supervisor"].get(f"/api/v1/commitments{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid"


def test_detail_readers_and_refusals(city, api):
    ids, clients, _ = city
    path = f"/api/v1/commitments/{ids['zjj_today']}"
    for reader in ("zjj", "supervisor", "producer"):
        assert clients[reader].get(path).status_code == 200
    refused = clients["jtj"].get(path)
    assert refused.status_code == 403 and "年底前" not in refused.get_data(as_text=True)
    assert api.as_role("admin").get(path).status_code == 403
    assert api.anonymous.get(path).status_code == 401
    assert clients["zjj"].get("/api/v1/commitments/999999").status_code == 404


def test_detail_has_the_timeline_oldest_first(city):
    ids, clients, _ = city
    path = f"/api/v1/commitments/{ids['zjj_overdue']}"
    clients["zjj"].post(f"{path}/progress", json={"note": "已进场施工", "percent": 30})
    clients["zjj"].post(f"{path}/claim-done", json={"note": "道路已贯通"})
    body = clients["zjj"].get(path).get_json()
    assert [e["action"] for e in body["timeline"]] == ["committed", "progress_reported", "claimed_done"]
    first, progress, claimed = body["timeline"]
    assert first["actor"] is None and first["before"] is None and first["after"]["status"] == "committed"
    assert progress["actor"] == {"id": clients["zjj"].user.id, "display_name": clients["zjj"].user.username,
                                 "role": "department"}
    assert progress["before"] == {"status": "committed", "progress_percent": 0}
    assert progress["after"] == {"status": "in_progress", "progress_percent": 30}
    assert progress["note"] == "已进场施工" and progress["at"].endswith("+00:00")
    assert claimed["before"] == {"status": "in_progress"} and claimed["after"] == {"status": "claimed_done"}
    assert body["extension"] is None and body["attachments"] == []
    assert body["status"] == "claimed_done" and body["progress_percent"] == 30


@pytest.mark.both_databases
def test_overdue_turns_at_midnight_in_shanghai(city, on_day):
    ids, clients, _ = city
    path = f"/api/v1/commitments/{ids['zjj_today']}"
    assert clients["zjj"].get(path).get_json()["is_overdue"] is False
    on_day(TODAY + timedelta(days=1))
    assert clients["zjj"].get(path).get_json()["is_overdue"] is True
    assert ids["zjj_today"] in listed(clients["zjj"], "?overdue=true")


class LateEveningUTC(datetime):
    """23:30 UTC on the 9th: in Shanghai (UTC+8) it is already 07:30 on the 10th."""

    @classmethod
    def now(cls, tz=None):
        moment = datetime(2026, 12, 9, 23, 30, tzinfo=UTC)
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


def test_the_day_is_shanghais_not_the_servers(api, make, monkeypatch):
    monkeypatch.setattr(rules, "datetime", LateEveningUTC)
    assert rules.today() == date(2026, 12, 10)
    department = make.department("ZJJ", "市住建局")
    commitments = Commitments(make)
    yesterday = commitments.create(department, deadline=date(2026, 12, 9))
    today = commitments.create(department, deadline=date(2026, 12, 10))
    client = api.as_role("supervisor")
    assert client.get(f"/api/v1/commitments/{yesterday.id}").get_json()["is_overdue"] is True
    assert client.get(f"/api/v1/commitments/{today.id}").get_json()["is_overdue"] is False
    assert listed(client, "?overdue=true") == [yesterday.id]


def test_rules_at_the_boundaries():
    closed = ("verified", "closed_unfulfilled")
    for status in rules.CommitmentStatus:
        on_time = status.value in closed
        assert rules.is_overdue(TODAY - timedelta(days=1), status, on=TODAY) is not on_time
        assert rules.is_overdue(TODAY, status, on=TODAY) is False
        assert rules.is_due_soon(TODAY, status, on=TODAY) is not on_time
        assert rules.is_due_soon(TODAY + timedelta(days=3), status, on=TODAY) is not on_time
        assert rules.is_due_soon(TODAY + timedelta(days=4), status, on=TODAY) is False
        assert rules.is_due_soon(TODAY - timedelta(days=1), status, on=TODAY) is False


@pytest.mark.both_databases
def test_a_backfilled_commitment_is_overdue_at_once(api, make, on_day):
    department = make.department("ZJJ", "市住建局")
    case, episode = make.case(departments=[department]), make.episode()
    response = api.as_role("producer").post("/api/v1/commitments", json={
        "episode_id": episode.id, "case_id": case.id, "department_code": "ZJJ", "official_name": "李建国",
        "official_title": "局长", "content": "月底前完成整改", "deadline": "2026-11-30"})
    assert response.status_code == 201
    assert response.get_json()["is_overdue"] is True and response.get_json()["due_soon"] is False
