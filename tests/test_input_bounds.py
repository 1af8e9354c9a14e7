"""Input at the edge: numbers beyond the database, unsound JSON and foreign redirects are refused
with the API's error shape (or a 404), never a 500."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Case

from .factories import PASSWORD

TOO_BIG = 2**63            # one past SQLite's INTEGER (and far past PostgreSQL's integer)
LARGEST = 2**31 - 1        # PostgreSQL's integer, which every id and version is
HUGE = "9" * 5000          # longer than Python reads as an int by default


@pytest.fixture
def producer(api):
    return api.as_role("producer")


@pytest.fixture
def episode(producer, make):
    department = make.department("ZJJ", "市住建局")
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04"}).get_json()
    case = make.case("断头路十年未通", departments=[department])
    item = producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id}).get_json()
    return episode["id"], item["id"]


@pytest.mark.both_databases
@pytest.mark.parametrize("path", [
    f"/api/v1/public/commitments/{TOO_BIG}",
    f"/api/v1/public/commitments/{HUGE}",
    f"/api/v1/public/attachments/{TOO_BIG}",
])
def test_an_id_beyond_the_database_is_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.both_databases
def test_a_live_page_for_an_episode_beyond_the_database_is_404(client):
    assert client.get(f"/live/{TOO_BIG}").status_code == 404


@pytest.mark.both_databases
@pytest.mark.parametrize("number", [LARGEST, LARGEST + 1, 2**63 - 1])
def test_ids_at_the_edge_of_the_database_are_an_ordinary_404(client, number):
    assert client.get(f"/api/v1/public/commitments/{number}").status_code == 404


@pytest.mark.both_databases
@pytest.mark.parametrize("query", [f"page={TOO_BIG}", f"per_page=5&page={TOO_BIG}"])
def test_a_page_number_beyond_the_database_is_422_on_its_field(client, query):
    response = client.get(f"/api/v1/public/commitments?{query}")
    assert response.status_code == 422
    assert "page" in response.get_json()["error"]["fields"]


@pytest.mark.both_databases
def test_a_body_integer_beyond_the_database_is_422_and_changes_nothing(producer, episode, make):
    episode_id, item_id = episode
    before = producer.get(f"/api/v1/episodes/{episode_id}/rundown").get_json()
    taken = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{item_id}/take", json={"version": TOO_BIG})
    assert taken.status_code == 422 and taken.get_json()["error"]["fields"] == {"version": [
        "Must be between -2147483648 and 2147483647."]}
    added = producer.post(f"/api/v1/episodes/{episode_id}/rundown", json={"case_id": LARGEST + 1})
    assert added.status_code == 422 and "case_id" in added.get_json()["error"]["fields"]
    assert producer.get(f"/api/v1/episodes/{episode_id}/rundown").get_json() == before


@pytest.mark.parametrize("body", [
    "[" * 5000 + "]" * 5000,                                  # deeper than the parser recurses
    '{"username": ' + "[" * 40 + "]" * 40 + ', "password": "x"}',   # deeper than we read
    '{"username": "\\ud800", "password": "x"}',              # a lone surrogate
    '{"username": "admin", "password": "x", "n": ' + HUGE + "}",  # a number too long to read
])
def test_unsound_json_on_the_anonymous_login_is_400(client, body):
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed"


def test_a_lone_surrogate_in_a_case_saves_nothing(producer, make):
    make.department("ZJJ", "市住建局")
    body = '{"title": "\\udfff", "summary": "x", "department_codes": ["ZJJ"]}'
    response = producer.post("/api/v1/cases", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "malformed"
    assert db.session.scalar(select(func.count(Case.id))) == 0


@pytest.mark.parametrize("target", ["/%09/evil.example/x", "/%0d%0a/x", "/%0a/evil.example", "/\\evil.example",
                                    "//evil.example", "https://evil.example/"])
def test_switching_language_never_leaves_the_site(client, target):
    response = client.get(f"/lang/en?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_switching_language_returns_to_the_page_it_came_from(client):
    response = client.get("/lang/en?next=/public/commitments?status=overdue")
    assert response.status_code == 302 and response.headers["Location"] == "/public/commitments?status=overdue"


@pytest.mark.parametrize("target", ["/%09/evil.example/x", "/%0d%0a/x"])
def test_login_never_sends_anyone_off_the_site(make, client, target):
    make.user("producer", username="producer")
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/login?next={target}",
                           data={"username": "producer", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/studio")


@pytest.mark.parametrize(("role", "path"), [
    ("admin", "/cases"), ("producer", "/cases"), ("supervisor", "/oversight/commitments"),
    ("supervisor", "/oversight/letters"), ("admin", "/admin/users"), ("department", "/dept"),
])
@pytest.mark.parametrize("page", [str(2**63), "-3", "abc", "9" * 5000])
def test_a_page_number_past_any_list_is_an_empty_page_not_a_500(api, make, role, path, page):
    department = make.department("ZJJ", "市住建局") if role == "department" else None
    client, _csrf = api.session_login(make.user(role, department=department))
    response = client.get(f"{path}?page={page}")
    assert response.status_code == 200, (path, page, response.status_code)


@pytest.mark.both_databases
@pytest.mark.parametrize("episode", [str(TOO_BIG), str(-TOO_BIG), "9" * 5000])
def test_the_public_list_filtered_by_an_episode_beyond_the_database_is_the_whole_list(client, episode):
    response = client.get(f"/commitments?episode={episode}")
    assert response.status_code == 200
