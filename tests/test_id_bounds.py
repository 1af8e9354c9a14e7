"""Every route that takes an id, walked from the URL map: ids beyond the database (2**63), negative
ids and 0, in the path, the query string and the body, as every role. A route added later is
walked too. Whatever the answer — 404, 422, 403, a redirect to the login — it is never a 500."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tracker.extensions import db
from tracker.models import Poll

TOO_BIG = 2**63
ROLES = ["anonymous", "admin", "producer", "supervisor", "department"]
# Names under which an id or a number travels in a query string or a body.
ID_NAMES = ("id", "item_id", "case_id", "episode_id", "commitment_id", "poll_id", "dispute_id", "job_id",
            "letter_id", "user_id", "department_id", "token_id", "throttle_id", "attachment_id", "version",
            "position", "episode", "commitment", "case", "poll", "item", "job", "letter", "page", "per_page")
LISTS = ("commitment_ids", "case_ids", "item_ids", "ids")
# Writes that would end the session the walk runs in.
SKIPPED = {"/logout", "/api/v1/auth/logout"}


def int_rules(app) -> list:
    """Every rule with an integer in its path (the app's own converter is one)."""
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())]


def writable_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule not in SKIPPED and not rule.arguments and rule.methods & {"POST", "PUT", "PATCH"}]


def listing_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if not rule.arguments and "GET" in rule.methods and rule.endpoint != "static"]


def path_of(rule, value, known: dict[str, int]) -> str:
    """The rule's URL with `value` for each integer (or the id of a real row where `known` has
    one), and the first allowed word for an `any(...)`."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = known.get(name, value)
        else:
            values[name] = sorted(getattr(converter, "items", None) or ["x"])[0]
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def bodies(value) -> tuple[dict, dict]:
    """A JSON body and a form with every id name holding `value`."""
    data: dict = {name: value for name in ID_NAMES}
    data.update({name: [value] for name in LISTS})
    form = {name: str(value) for name in ID_NAMES} | {name: [str(value)] for name in LISTS}
    return data, form


def query(value) -> str:
    return "&".join(f"{name}={value}" for name in ID_NAMES)


@pytest.fixture
def show(api, make):
    """Real rows, so that a route with a real id in its path goes on to read its query or body."""
    department = make.department("ZJJ", "市住建局")
    producer = api.as_role("producer")
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04"}).get_json()
    case = make.case("断头路十年未通", departments=[department])
    item = producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id}).get_json()
    producer.post(f"/api/v1/episodes/{episode['id']}/start")
    producer.post(f"/api/v1/episodes/{episode['id']}/rundown/{item['id']}/take", json={})
    poll = producer.post(f"/api/v1/episodes/{episode['id']}/polls", json={}).get_json()
    commitment = producer.post("/api/v1/commitments", json={
        "episode_id": episode["id"], "case_id": case.id, "department_code": "ZJJ", "official_name": "李建国",
        "official_title": "局长", "content": "年底前打通幸福路东段", "deadline": "2027-01-31"}).get_json()
    assert db.session.get(Poll, poll["id"]) is not None
    return department, {"episode_id": episode["id"], "item_id": item["id"], "case_id": case.id,
                        "poll_id": poll["id"], "commitment_id": commitment["id"]}


def session_as(api, make, role: str, department):
    """A cookie session (pages and API alike) and its CSRF token; anonymous has neither."""
    if role == "anonymous":
        return api.app.test_client(), ""
    return api.session_login(make.user(role, department=department if role == "department" else None))


def request(client, csrf: str, method: str, path: str, value):
    data, form = bodies(value)
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    if method == "GET":
        return client.get(f"{path}?{query(value)}")
    if path.startswith("/api/"):
        return client.open(path, method=method, json=data, headers=headers)
    return client.open(path, method=method, data={**form, "csrf_token": csrf}, headers=headers)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("value", [TOO_BIG, -TOO_BIG - 1, -1, 0])
def test_no_id_anywhere_makes_a_500(api, make, show, role, value):
    department, known = show
    client, csrf = session_as(api, make, role, department)
    failures = []
    walks = [(rule, path_of(rule, value, {})) for rule in int_rules(api.app)]           # the id itself
    walks += [(rule, path_of(rule, value, known)) for rule in int_rules(api.app)]      # a real row, odd fields
    walks += [(rule, rule.rule) for rule in writable_rules(api.app) + listing_rules(api.app)]
    for rule, path in walks:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET" and rule not in listing_rules(api.app) and rule.arguments == set():
                continue
            response = request(client, csrf, method, path, value)
            if response.status_code >= 500:
                failures.append(f"{method} {path} → {response.status_code}")
    assert failures == [], failures
    assert int_rules(api.app), "the walk found no route with an integer"
