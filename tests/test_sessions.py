"""Sessions that really end: sign-out, a new password, (de)activation and a new role or
department end every session of the account — a cookie copied before no longer works — and,
except for sign-out, revoke its API tokens. Signing in starts a fresh session and CSRF token."""
from __future__ import annotations

import contextvars

import pytest

from tracker.extensions import db
from tracker.models import User

from .factories import PASSWORD

ME = "/api/v1/auth/me"


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def browser_with(app, cookie: str):
    """Another browser, holding a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def signed_in(app, user):
    """A browser signed in as the user: the client, its CSRF token and a copy of its cookie."""
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    return client, response.get_json()["csrf_token"], cookie_of(client)


def admin_patch(api, admin, user, changes: dict):
    return admin.patch(f"/api/v1/users/{user.id}", json=changes)


@pytest.fixture
def admin(api):
    return api.as_role("admin")


def test_a_cookie_copied_before_logout_no_longer_works(app, make):
    client, csrf, copied = signed_in(app, make.user("producer"))
    assert browser_with(app, copied).get(ME).status_code == 200
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get(ME).status_code == 401
    assert browser_with(app, copied).get(ME).status_code == 401


def test_logout_ends_the_accounts_other_browsers_too(app, make):
    user = make.user("supervisor")
    office, office_csrf, _ = signed_in(app, user)
    laptop, _, _ = signed_in(app, user)
    assert office.post("/api/v1/auth/logout", headers={"X-CSRF-Token": office_csrf}).status_code == 204
    assert laptop.get(ME).status_code == 401
    # Signing in again works, and other accounts were never touched.
    assert signed_in(app, user)[0].get(ME).status_code == 200


def test_logout_leaves_other_accounts_signed_in(app, make):
    client, csrf, _ = signed_in(app, make.user("producer"))
    other, _, _ = signed_in(app, make.user("producer"))
    client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert other.get(ME).status_code == 200


def test_the_logout_page_ends_a_copied_cookie(app, make):
    client, _, copied = signed_in(app, make.user("admin"))
    page = client.get("/admin/displays").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert browser_with(app, copied).get(ME).status_code == 401
    assert browser_with(app, copied).get("/admin").status_code == 302  # to the login page


def test_logout_keeps_the_accounts_api_tokens(app, make, api):
    """Signing out of the browser after a show must not break the Stream Deck's token."""
    user = make.user("producer")
    token_client = api.as_user(user)
    client, csrf, _ = signed_in(app, user)
    client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert token_client.get(ME).status_code == 200


def test_logout_with_a_bearer_token_ends_no_session(app, make, api):
    user = make.user("producer")
    browser, _, _ = signed_in(app, user)
    assert api.as_user(user).post("/api/v1/auth/logout").status_code == 204
    assert browser.get(ME).status_code == 200


@pytest.mark.both_databases  # the generation is raised in SQL
@pytest.mark.parametrize("changes", [
    {"password": "a-brand-new-password"},
    {"active": False},
    {"role": "supervisor"},
], ids=["password reset", "deactivation", "role change"])
def test_an_administrators_change_ends_sessions_and_tokens(app, make, api, admin, changes):
    user = make.user("producer")
    token_client = api.as_user(user)
    _, _, copied = signed_in(app, user)
    assert admin_patch(api, admin, user, changes).status_code == 200
    assert browser_with(app, copied).get(ME).status_code == 401
    assert token_client.get(ME).status_code == 401
    tokens = admin.get(f"/api/v1/users/{user.id}/tokens").get_json()
    assert tokens and all(token["revoked_at"] for token in tokens)


def test_moving_to_another_department_ends_sessions_and_tokens(app, make, api, admin):
    first = make.department("ZJJ")
    make.department("JTJ")
    user = make.user("department", department=first)
    token_client = api.as_user(user)
    _, _, copied = signed_in(app, user)
    assert admin_patch(api, admin, user, {"department_code": "JTJ"}).status_code == 200
    assert browser_with(app, copied).get(ME).status_code == 401
    assert token_client.get(ME).status_code == 401
    assert admin.get(f"/api/v1/users/{user.id}").get_json()["department"]["code"] == "JTJ"


@pytest.mark.both_databases
def test_reactivation_does_not_revive_old_cookies_or_tokens(app, make, api, admin):
    user = make.user("producer")
    token_client = api.as_user(user)
    _, _, copied = signed_in(app, user)
    assert admin_patch(api, admin, user, {"active": False}).status_code == 200
    assert admin_patch(api, admin, user, {"active": True}).status_code == 200
    assert browser_with(app, copied).get(ME).status_code == 401
    assert token_client.get(ME).status_code == 401
    # The account itself works again: a new sign-in.
    assert signed_in(app, user)[0].get(ME).status_code == 200


def test_a_name_or_email_change_ends_nothing(app, make, api, admin):
    user = make.user("producer")
    token_client = api.as_user(user)
    _, _, copied = signed_in(app, user)
    response = admin_patch(api, admin, user, {"display_name": "新名字", "email": "p@example.com", "role": "producer"})
    assert response.status_code == 200
    assert browser_with(app, copied).get(ME).status_code == 200
    assert token_client.get(ME).status_code == 200


def test_a_refused_change_ends_nothing(app, make, api, admin):
    user = make.user("producer")
    _, _, copied = signed_in(app, user)
    assert admin_patch(api, admin, user, {"password": "short"}).status_code == 422
    assert browser_with(app, copied).get(ME).status_code == 200


def test_the_admin_page_password_reset_ends_sessions(app, make, api):
    user = make.user("department")
    token_client = api.as_user(user)
    _, _, copied = signed_in(app, user)
    admin_browser, _, _ = signed_in(app, make.user("admin"))
    page = admin_browser.get(f"/admin/users/{user.id}").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = admin_browser.post(f"/admin/users/{user.id}", data={
        "csrf_token": token, "display_name": user.display_name, "email": "", "role": "department",
        "department_code": user.department.code, "active": "y", "new_password": "another-password-1"})
    assert response.status_code == 302
    assert browser_with(app, copied).get(ME).status_code == 401
    assert token_client.get(ME).status_code == 401


def test_an_admin_changing_their_own_password_stays_signed_in_here_only(app, make):
    me = make.user("admin")
    here, csrf, _ = signed_in(app, me)
    elsewhere, _, _ = signed_in(app, me)
    response = here.patch(f"/api/v1/users/{me.id}", json={"password": "my-new-password-9"},
                          headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    assert here.get(ME).status_code == 200
    assert elsewhere.get(ME).status_code == 401


def test_demo_reset_of_a_changed_password_ends_its_sessions(app, make, runner, api, admin):
    assert runner.invoke(args=["demo"]).exit_code == 0
    producer = db.session.scalar(db.select(User).where(User.username == "producer"))
    token_client = api.as_user(producer)
    assert token_client.get(ME).status_code == 200
    assert admin_patch(api, admin, producer, {"display_name": "改过"}).status_code == 200
    assert runner.invoke(args=["demo"]).exit_code == 0  # nothing to put back: the token stays
    assert token_client.get(ME).status_code == 200
    assert admin_patch(api, admin, producer, {"password": "someone-changed-it"}).status_code == 200
    new_token_client = api.as_user(db.session.get(User, producer.id))
    assert runner.invoke(args=["demo"]).exit_code == 0  # the documented password is put back
    assert new_token_client.get(ME).status_code == 401


def test_a_cookie_without_a_session_generation_is_refused(app, make):
    """Cookies issued before generations existed held the bare id: those browsers sign in again."""
    user = make.user("producer")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get(ME).status_code == 401


def test_signing_in_gives_a_new_csrf_token_and_the_old_one_stops_working(app, make):
    make.department("MZJ")
    admin = make.user("admin", username="boss")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    before = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    with client.session_transaction() as session:
        raw_before = session["csrf_token"]
    response = client.post("/api/v1/auth/login", json={"username": admin.username, "password": PASSWORD})
    after = response.get_json()["csrf_token"]
    with client.session_transaction() as session:
        assert session["csrf_token"] != raw_before
    assert after != before
    body = {"code": "NEW", "name": "新部门"}
    refused = client.post("/api/v1/departments", json=body, headers={"X-CSRF-Token": before})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert client.post("/api/v1/departments", json=body, headers={"X-CSRF-Token": after}).status_code == 201


def test_the_login_page_starts_a_fresh_session_and_keeps_the_language(app, make):
    make.user("admin", username="boss")
    client = app.test_client()
    client.get("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    before = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = client.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"
    # A form of the signed-in session does not take the token from before.
    refused = client.post("/admin/displays", data={"name": "演播室大屏", "csrf_token": before})
    assert refused.status_code in (400, 403)
    assert "Settings" in client.get("/admin").get_data(as_text=True)


def test_an_open_console_socket_closes_once_its_producer_signed_out(app, make, client, socket_client):
    producer = make.user("producer")
    episode = make.episode()
    csrf = client.post("/api/v1/auth/login", json={"username": producer.username, "password": PASSWORD}
                       ).get_json()["csrf_token"]
    console = socket_client("/control", auth={"episode": episode.id})
    assert console.is_connected("/control")

    def emit(event):  # each event in its own context, as in production (see IsolatedClient)
        return contextvars.Context().run(console.emit, event, {}, namespace="/control", callback=True)

    assert "now" in emit("time")
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    emit("time")
    assert not console.is_connected("/control")


def test_an_open_console_socket_closes_once_its_token_is_revoked(app, make, api, admin, socket_client):
    producer = make.user("producer")
    episode = make.episode()
    console = socket_client("/control", auth={"episode": episode.id, "token": make.token(producer)})
    assert "now" in console.emit("time", {}, namespace="/control", callback=True)
    assert admin_patch(api, admin, producer, {"password": "the-new-password"}).status_code == 200
    console.emit("time", {}, namespace="/control", callback=True)
    assert not console.is_connected("/control")
