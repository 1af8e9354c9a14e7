"""Signing in: sessions with CSRF, bearer tokens (throttling: test_login_throttle.py; sessions
that end: test_sessions.py)."""
from __future__ import annotations

from .factories import PASSWORD


def login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_login_answers_user_and_csrf_token(make, client):
    department = make.department("ZJJ", "市住建局")
    user = make.user("department", department=department, username="zjj")
    response = login(client, "zjj")
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["username"] == "zjj"
    assert body["user"]["role"] == "department"
    assert body["user"]["department"] == {"code": "ZJJ", "name": "市住建局"}
    assert body["csrf_token"]
    assert "password" not in str(body)
    assert "Set-Cookie" in response.headers
    assert user.id == body["user"]["id"]


def test_wrong_password_is_401_and_sets_no_session(make, client):
    make.user("producer", username="producer")
    response = login(client, "producer", "wrong-password")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"
    assert client.get("/api/v1/auth/me").status_code == 401


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(make, client):
    make.user("producer", username="producer")
    wrong = login(client, "producer", "nope-nope-nope")
    unknown = login(client, "nobody", "nope-nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


def test_cookie_write_needs_the_csrf_header(make, api):
    admin = make.user("admin")
    client, csrf = api.session_login(admin)
    refused = client.post("/api/v1/departments", json={"code": "MZJ", "name": "市民政局"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert client.get("/api/v1/departments/MZJ").status_code == 404
    accepted = client.post("/api/v1/departments", json={"code": "MZJ", "name": "市民政局"},
                           headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201


def test_bearer_token_writes_need_no_csrf(make, api):
    admin = api.as_role("admin")
    assert admin.post("/api/v1/departments", json={"code": "MZJ", "name": "市民政局"}).status_code == 201


def test_bad_bearer_token_is_401_even_with_a_session(make, api):
    admin = make.user("admin")
    client, _csrf = api.session_login(admin)
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer ftt_not-a-token"})
    assert response.status_code == 401


def test_revoked_token_stops_working(app, make, api):
    from tracker.auth.service import issue_token, revoke_token

    user = make.user("producer")
    record, token = issue_token(user)
    headers = {"Authorization": f"Bearer {token}"}
    assert api.anonymous.get("/api/v1/auth/me", headers=headers).status_code == 200
    revoke_token(record.id)
    assert api.anonymous.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_tokens_are_stored_hashed(make):
    from tracker.auth.service import issue_token

    record, token = issue_token(make.user("producer"))
    assert token not in (record.token_hash, record.prefix)
    assert len(record.token_hash) == 64


def test_passwords_are_hashed_with_argon2(make):
    user = make.user("producer")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_logout_ends_the_session(make, api):
    client, csrf = api.session_login(make.user("supervisor"))
    assert client.get("/api/v1/auth/me").status_code == 200
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_successful_logins_are_not_counted(make, client):
    make.user("producer", username="producer")
    for _ in range(12):
        assert login(client, "producer").status_code == 200


def test_login_page_form_signs_in_and_lands_on_role_page(make, client):
    make.user("supervisor", username="desk")
    page = client.get("/login")
    assert page.status_code == 200
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "desk", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/oversight")


def test_login_page_refuses_a_form_without_csrf(make, client):
    make.user("supervisor", username="desk")
    response = client.post("/login", data={"username": "desk", "password": PASSWORD})
    assert response.status_code in (400, 403)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_login_page_never_redirects_off_site(make, client):
    make.user("producer", username="producer")
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login?next=//evil.example/x",
                           data={"username": "producer", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"].endswith("/studio")
