"""The permission matrix: every endpoint × every role, against the table below.

The table is the specification. A route that is not in it fails the test, so no endpoint
can be added without deciding who may use it; a role that gets in where the table says no
(or is kept out where it says yes) fails too. Ownership (a department seeing only its own
items) is tested with each feature, on real objects.
"""
from __future__ import annotations

import re

import pytest

from tracker.permissions import ANYONE

ROLES = ["admin", "producer", "department", "supervisor"]
ALL = set(ROLES)
STAFF = {"admin", "producer", "supervisor"}

# "METHOD /path" → the roles that may call it ("anyone" includes the anonymous visitor).
ADMIN = {"admin"}
PRODUCER = {"producer"}
DEPARTMENT = {"department"}
SUPERVISOR = {"supervisor"}
FOLLOW_UP = {"producer", "supervisor", "department"}
ACTIONS = "<any(take, standby, done, skip, hold, requeue):action>"

API = {
    "GET /api/v1/health": {ANYONE},
    "POST /api/v1/auth/login": {ANYONE},
    "POST /api/v1/auth/logout": {ANYONE},
    "GET /api/v1/auth/me": ALL,
    "GET /api/v1/auth/tokens": ALL,
    "POST /api/v1/auth/tokens": ALL,
    "POST /api/v1/auth/tokens/<int:token_id>/revoke": ALL,
    "GET /api/v1/departments": {ANYONE},
    "POST /api/v1/departments": ADMIN,
    "GET /api/v1/departments/<code>": {ANYONE},
    "PATCH /api/v1/departments/<code>": ADMIN,
    "GET /api/v1/users": ADMIN,
    "POST /api/v1/users": ADMIN,
    "GET /api/v1/users/<int:user_id>": ADMIN,
    "PATCH /api/v1/users/<int:user_id>": ADMIN,
    "GET /api/v1/users/<int:user_id>/tokens": ADMIN,
    "POST /api/v1/users/<int:user_id>/tokens": ADMIN,
    "POST /api/v1/tokens/<int:token_id>/revoke": ADMIN,
    "GET /api/v1/cases": STAFF,
    "POST /api/v1/cases": PRODUCER,
    "GET /api/v1/cases/<int:case_id>": ALL,  # departments: their own cases only (ownership test)
    "PATCH /api/v1/cases/<int:case_id>": PRODUCER,
    "PUT /api/v1/cases/<int:case_id>/public-text": {"producer", "supervisor"},
    "GET /api/v1/episodes": {"producer", "supervisor"},
    "POST /api/v1/episodes": PRODUCER,
    "GET /api/v1/episodes/<int:episode_id>": {"producer", "supervisor"},
    "PATCH /api/v1/episodes/<int:episode_id>": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/start": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/end": PRODUCER,
    "GET /api/v1/episodes/<int:episode_id>/rundown": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/rundown": PRODUCER,
    f"POST /api/v1/episodes/<int:episode_id>/rundown/<int:item_id>/{ACTIONS}": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/rundown/<int:item_id>/move": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/rundown/<int:item_id>/remove": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/rundown/undo": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/rundown/followup": {"producer", "supervisor"},
    "GET /api/v1/episodes/<int:episode_id>/rundown/log": {"producer", "supervisor"},
    "POST /api/v1/episodes/<int:episode_id>/screen": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/graphic": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/graphic/preview": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/graphic/take": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/graphic/out": PRODUCER,
    "POST /api/v1/episodes/<int:episode_id>/rundown/take-next": PRODUCER,
    "PATCH /api/v1/episodes/<int:episode_id>/rundown/<int:item_id>": PRODUCER,
    "POST /api/v1/commitments": PRODUCER,
    "GET /api/v1/commitments/officials": PRODUCER,
    "GET /api/v1/commitments": FOLLOW_UP,  # departments: their own only
    "GET /api/v1/commitments/<int:commitment_id>": FOLLOW_UP,
    "PATCH /api/v1/commitments/<int:commitment_id>": {"producer", "supervisor"},  # by the episode's status
    "POST /api/v1/commitments/<int:commitment_id>/withdraw": PRODUCER,
    "POST /api/v1/commitments/<int:commitment_id>/progress": DEPARTMENT,
    "POST /api/v1/commitments/<int:commitment_id>/claim-done": DEPARTMENT,
    "POST /api/v1/commitments/<int:commitment_id>/claim-unfulfillable": DEPARTMENT,
    "POST /api/v1/commitments/<int:commitment_id>/extension": DEPARTMENT,
    "POST /api/v1/commitments/<int:commitment_id>/extension/approve": SUPERVISOR,
    "POST /api/v1/commitments/<int:commitment_id>/extension/reject": SUPERVISOR,
    "POST /api/v1/commitments/<int:commitment_id>/verify": SUPERVISOR,
    "POST /api/v1/commitments/<int:commitment_id>/reopen": SUPERVISOR,
    "POST /api/v1/commitments/<int:commitment_id>/close-unfulfilled": SUPERVISOR,
    "GET /api/v1/disputes": SUPERVISOR,
    "POST /api/v1/disputes/<int:dispute_id>/reopen": SUPERVISOR,
    "POST /api/v1/disputes/<int:dispute_id>/answer": SUPERVISOR,
    "POST /api/v1/commitments/<int:commitment_id>/attachments": {"department", "supervisor"},
    "GET /api/v1/public/commitments": {ANYONE},
    "GET /api/v1/public/commitments/<int:commitment_id>": {ANYONE},
    "GET /api/v1/public/stats": {ANYONE},
    "GET /api/v1/public/attachments/<int:attachment_id>": {ANYONE},  # released evidence only (404 otherwise)
    "GET /api/v1/attachments/<int:attachment_id>": FOLLOW_UP,
    "POST /api/v1/attachments/<int:attachment_id>/publish": SUPERVISOR,
    "POST /api/v1/episodes/<int:episode_id>/polls": PRODUCER,
    "GET /api/v1/episodes/<int:episode_id>/polls": {"producer", "supervisor"},
    "POST /api/v1/polls/<int:poll_id>/close": PRODUCER,
    "GET /api/v1/polls/<int:poll_id>": {ANYONE},
    "GET /api/v1/public/episodes/<int:episode_id>/poll": {ANYONE},
    "POST /api/v1/polls/<int:poll_id>/ballots": {ANYONE},
    # Producers, or a display with its token (checked in the view, after the poll is found).
    "GET /api/v1/polls/<int:poll_id>/code": {ANYONE},
    "GET /api/v1/episodes/<int:episode_id>/seat-codes": PRODUCER,
}

PAGES = {
    "GET /": {ANYONE},
    "GET /commitments": {ANYONE},
    "GET /commitments/<int:commitment_id>": {ANYONE},
    "GET /episodes/<int:episode_id>": {ANYONE},
    "GET /departments/<code>": {ANYONE},
    "GET /league": {ANYONE},
    "GET /login": {ANYONE},
    "POST /login": {ANYONE},
    "POST /logout": {ANYONE},
    "GET /lang/<code>": {ANYONE},
    "GET /display/<int:episode_id>": {ANYONE},
    "GET /vote/<int:episode_id>": {ANYONE},
    "GET /vote/<int:episode_id>/qr.svg": {ANYONE},
    "GET /studio/episodes/<int:episode_id>/vote-sheet": PRODUCER,
    # Open data (tracker/opendata): public, read-only
    "GET /open311/v2/services.<any(json, xml):fmt>": {ANYONE},
    "GET /open311/v2/requests.<any(json, xml):fmt>": {ANYONE},
    "GET /open311/v2/requests/<request_id>.<any(json, xml):fmt>": {ANYONE},
    "GET /feeds/updates.atom": {ANYONE},
    "GET /feeds/departments/<code>.atom": {ANYONE},
    "GET /feeds/commitments/<int:commitment_id>.atom": {ANYONE},
    "GET /commitments.csv": {ANYONE},
    "GET /commitments.xlsx": {ANYONE},
    "GET /studio": PRODUCER,
    "GET /studio/episodes": PRODUCER,
    "POST /studio/episodes": PRODUCER,
    "GET /studio/episodes/<int:episode_id>": PRODUCER,
    "GET /studio/episodes/<int:episode_id>/edit": PRODUCER,
    "POST /studio/episodes/<int:episode_id>/edit": PRODUCER,
    "GET /dept": {"department"},
    "GET /dept/commitments/<int:commitment_id>": DEPARTMENT,  # its own department's only: 404 otherwise
    "POST /dept/commitments/<int:commitment_id>/progress": DEPARTMENT,
    "POST /dept/commitments/<int:commitment_id>/evidence": DEPARTMENT,
    "POST /dept/commitments/<int:commitment_id>/claim-done": DEPARTMENT,
    "POST /dept/commitments/<int:commitment_id>/claim-unfulfillable": DEPARTMENT,
    "POST /dept/commitments/<int:commitment_id>/extension": DEPARTMENT,
    "GET /dept/letters": DEPARTMENT,
    "GET /dept/letters/<int:letter_id>": DEPARTMENT,   # its own department's only: 404 otherwise
    "GET /oversight": {"supervisor"},
    "GET /oversight/commitments": SUPERVISOR,
    "GET /oversight/commitments/<int:commitment_id>": SUPERVISOR,
    "POST /oversight/commitments/<int:commitment_id>/verify": SUPERVISOR,
    "POST /oversight/commitments/<int:commitment_id>/reopen": SUPERVISOR,
    "POST /oversight/commitments/<int:commitment_id>/close": SUPERVISOR,
    "POST /oversight/commitments/<int:commitment_id>/extension": SUPERVISOR,
    "POST /oversight/commitments/<int:commitment_id>/evidence": SUPERVISOR,
    "POST /oversight/attachments/<int:attachment_id>/public": SUPERVISOR,
    "GET /oversight/followup": {"supervisor"},
    "GET /oversight/letters": SUPERVISOR,
    "GET /oversight/letters/<int:letter_id>": SUPERVISOR,
    "GET /oversight/letters/episodes/<int:episode_id>": SUPERVISOR,
    "POST /oversight/letters/episodes/<int:episode_id>/issue": SUPERVISOR,
    "POST /oversight/followup": {"supervisor"},
    "GET /cases": STAFF,
    "GET /cases/<int:case_id>": ALL,  # departments: their own cases only
    "GET /cases/new": PRODUCER,
    "POST /cases/new": PRODUCER,
    "GET /cases/<int:case_id>/edit": PRODUCER,
    "POST /cases/<int:case_id>/edit": PRODUCER,
    "GET /cases/<int:case_id>/public-text": {"producer", "supervisor"},
    "POST /cases/<int:case_id>/public-text": {"producer", "supervisor"},
    "GET /cases/import": PRODUCER,
    "POST /cases/import": PRODUCER,
    "GET /cases/import/jobs/<int:job_id>": PRODUCER,
    "POST /cases/import/jobs/<int:job_id>": PRODUCER,
    "GET /cases/import/jobs/<int:job_id>/status": PRODUCER,
    "GET /admin": ADMIN,
    "GET /admin/departments": ADMIN,
    "GET /admin/departments/new": ADMIN,
    "POST /admin/departments/new": ADMIN,
    "GET /admin/departments/<int:department_id>": ADMIN,
    "POST /admin/departments/<int:department_id>": ADMIN,
    "GET /admin/users": ADMIN,
    "GET /admin/users/new": ADMIN,
    "POST /admin/users/new": ADMIN,
    "GET /admin/users/<int:user_id>": ADMIN,
    "POST /admin/users/<int:user_id>": ADMIN,
    "GET /admin/users/<int:user_id>/tokens": ADMIN,
    "POST /admin/users/<int:user_id>/tokens": ADMIN,
    "GET /admin/tokens/<int:token_id>/revoke": ADMIN,
    "POST /admin/tokens/<int:token_id>/revoke": ADMIN,
    "GET /admin/displays": ADMIN,
    "POST /admin/displays": ADMIN,
    "POST /admin/displays/<int:token_id>/revoke": ADMIN,
    "GET /admin/login-throttles": ADMIN,
    "POST /admin/login-throttles/<int:throttle_id>/lift": ADMIN,
    "POST /commitments/<int:commitment_id>/follow": {ANYONE},
    # Disputes: anyone may ask for the link and use it (the mailed, signed link is the proof).
    "POST /commitments/<int:commitment_id>/dispute": {ANYONE},
    "GET /dispute/<token>": {ANYONE},
    "POST /dispute/<token>": {ANYONE},
    "GET /oversight/disputes": SUPERVISOR,
    "POST /oversight/disputes/<int:dispute_id>": SUPERVISOR,
    "GET /follow/confirm/<token>": {ANYONE},
    "GET /follow/unsubscribe/<token>": {ANYONE},
    "POST /follow/unsubscribe/<token>": {ANYONE},
}

# Endpoints that are not ours to guard: static files and the OpenAPI document (public by design).
UNGUARDED = {"static", "api-docs.openapi_json"}


def routes(app):
    """(method, rule, endpoint) for every route of the app."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.rule, rule.endpoint


def concrete(rule: str) -> str:
    """A URL for the rule, with made-up ids: the role check comes before any lookup."""
    def value(match: re.Match) -> str:
        converter, options = match.group(1), match.group(2)
        if converter == "any":
            return options.split(",")[0].strip()
        return "999999" if converter == "int" else "XYZ"

    return re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>", value, rule)


def test_every_route_declares_its_roles(app):
    missing = [f"{method} {rule}" for method, rule, endpoint in routes(app)
               if not hasattr(app.view_functions[endpoint], "allowed_roles")]
    assert missing == [], "routes without @allow(...)"


def test_every_route_is_in_the_table(app):
    table = API | PAGES
    unknown = [f"{method} {rule}" for method, rule, _ in routes(app) if f"{method} {rule}" not in table]
    assert unknown == [], "add these to the permission table"
    for key, roles in table.items():
        method, rule = key.split(" ", 1)
        endpoint = next((e for m, r, e in routes(app) if (m, r) == (method, rule)), None)
        assert endpoint is not None, f"{key} is in the table but not an app route"
        declared = set(app.view_functions[endpoint].allowed_roles)
        assert {str(r.value) if hasattr(r, "value") else r for r in declared} == roles, key


def call(client, method: str, url: str):
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return client.open(method, url, **kwargs)


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_api_matrix(app, api, role):
    client = api.anonymous if role == "anonymous" else api.as_role(role)
    for key, allowed in API.items():
        method, rule = key.split(" ", 1)
        response = call(client, method, concrete(rule))
        status = response.status_code
        if ANYONE in allowed or role in allowed:
            assert status not in (401, 403), f"{role} refused on {key}: {status}"
        elif role == "anonymous":
            assert status == 401, f"anonymous got {status} on {key}"
        else:
            assert status == 403, f"{role} got {status} on {key}"


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_page_matrix(app, make, role):
    client = app.test_client()
    if role != "anonymous":
        user = make.user(role)
        client.post("/api/v1/auth/login", json={"username": user.username, "password": "correct-horse-42"})
    for key, allowed in PAGES.items():
        method, rule = key.split(" ", 1)
        if method != "GET":
            continue
        response = client.get(concrete(rule))
        status = response.status_code
        if ANYONE in allowed or role in allowed:
            assert status not in (401, 403) and "/login?next=" not in response.headers.get("Location", ""), \
                f"{role} refused on {key}: {status}"
        elif role == "anonymous":
            assert status == 302 and "/login" in response.headers["Location"], f"anonymous got {status} on {key}"
        else:
            assert status == 403, f"{role} got {status} on {key}"
