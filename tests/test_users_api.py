"""The users API: accounts, roles, departments and API tokens, as an administrator manages them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ApiToken, User

from .factories import PASSWORD

ROLES = ["admin", "producer", "department", "supervisor"]
TOKEN_KEYS = {"id", "name", "prefix", "created_at", "revoked_at"}


def new_account(**fields) -> dict:
    body = {"username": "wangkz", "password": "long-enough-1", "role": "producer"}
    body.update(fields)
    return body


def fields_of(response) -> dict:
    assert response.status_code == 422, response.get_json()
    return response.get_json()["error"]["fields"]


def me(token: str, app) -> int:
    return app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# --- who may call what ---------------------------------------------------------------------

ADMIN_ONLY = [
    ("GET", "/api/v1/users", None, 200),
    ("POST", "/api/v1/users", "new", 201),
    ("GET", "/api/v1/users/{user}", None, 200),
    ("PATCH", "/api/v1/users/{user}", {"display_name": "王科长"}, 200),
    ("GET", "/api/v1/users/{user}/tokens", None, 200),
    ("POST", "/api/v1/users/{user}/tokens", {"name": "演播室大屏"}, 201),
    ("POST", "/api/v1/tokens/{token}/revoke", None, 200),
]
OWN_TOKENS = [
    ("GET", "/api/v1/auth/tokens", None, 200),
    ("POST", "/api/v1/auth/tokens", {"name": "我的脚本"}, 201),
]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_only_admins_manage_accounts_and_tokens(make, api, role):
    client = api.anonymous if role == "anonymous" else api.as_role(role)
    target = make.user("producer")
    make.token(target)
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == target.id))
    for method, path, body, success in ADMIN_ONLY:
        url = path.format(user=target.id, token=token_id)
        if body == "new":
            body = new_account(username=f"new-{role}")
        response = client.open(method, url, json=body) if body is not None else client.open(method, url)
        expected = success if role == "admin" else 401 if role == "anonymous" else 403
        assert response.status_code == expected, (role, method, url, response.get_json())


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_everyone_signed_in_manages_their_own_tokens(api, role):
    client = api.anonymous if role == "anonymous" else api.as_role(role)
    for method, path, body, success in OWN_TOKENS:
        response = client.open(method, path, json=body) if body is not None else client.open(method, path)
        assert response.status_code == (401 if role == "anonymous" else success), (role, method, path)
    revoke = client.post("/api/v1/auth/tokens/999999/revoke")
    assert revoke.status_code == (401 if role == "anonymous" else 404)


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ["/api/v1/users", "/api/v1/users/{user_id}", "/api/v1/users/{user_id}/tokens",
                 "/api/v1/tokens/{token_id}/revoke", "/api/v1/auth/tokens", "/api/v1/auth/tokens/{token_id}/revoke"]:
        assert path in paths, path
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "token_hash" not in str(schemas)
    assert schemas["AccountIn"]["properties"]["password"]["minLength"] == 8


# --- listing ---------------------------------------------------------------------------------

def test_list_filters_by_role_department_and_text(make, api):
    admin = api.as_role("admin")
    zjj = make.department("ZJJ", "市住建局")
    wjw = make.department("WJW", "市卫健委")
    make.user("department", department=zjj, username="zjj-wang", email="wang@zjj.gov.cn")
    make.user("department", department=wjw, username="wjw-li")
    make.user("producer", username="editor-zhao")

    everyone = admin.get("/api/v1/users").get_json()
    assert everyone["total"] == 4 and len(everyone["items"]) == 4

    departmental = admin.get("/api/v1/users?role=department").get_json()
    assert {u["username"] for u in departmental["items"]} == {"zjj-wang", "wjw-li"}

    by_code = admin.get("/api/v1/users?department=ZJJ").get_json()
    assert [u["username"] for u in by_code["items"]] == ["zjj-wang"]
    assert by_code["items"][0]["department"] == {"code": "ZJJ", "name": "市住建局"}

    by_text = admin.get("/api/v1/users?q=ZJJ.GOV").get_json()
    assert [u["username"] for u in by_text["items"]] == ["zjj-wang"]
    assert admin.get("/api/v1/users?q=%25").get_json()["total"] == 0  # a literal %, not a wildcard
    assert admin.get("/api/v1/users?department=NOPE").get_json() == {"items": [], "total": 0}


def test_list_pages_and_never_shows_passwords(make, api):
    admin = api.as_role("admin")
    for n in range(4):
        make.user("supervisor", username=f"sup{n}")
    page = admin.get("/api/v1/users?role=supervisor&per_page=3&page=2").get_json()
    assert page["total"] == 4
    assert [u["username"] for u in page["items"]] == ["sup3"]
    assert "password" not in str(admin.get("/api/v1/users").get_json())
    assert admin.get("/api/v1/users?role=chief").status_code == 422
    assert admin.get("/api/v1/users?per_page=1000").status_code == 422


# --- creating --------------------------------------------------------------------------------

def test_admin_creates_a_department_account(make, api):
    make.department("ZJJ", "市住建局")
    response = api.as_role("admin").post("/api/v1/users", json=new_account(
        username="zjj-wang", role="department", department_code="ZJJ", email="wang@zjj.gov.cn",
        display_name="王科长"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["username"] == "zjj-wang" and body["role"] == "department"
    assert body["department"] == {"code": "ZJJ", "name": "市住建局"}
    assert body["email"] == "wang@zjj.gov.cn" and body["display_name"] == "王科长"
    assert body["active"] is True and "password" not in body and "password_hash" not in body
    login = api.app.test_client().post("/api/v1/auth/login",
                                       json={"username": "zjj-wang", "password": "long-enough-1"})
    assert login.status_code == 200


@pytest.mark.parametrize("changes, field", [
    ({"username": "taken"}, "username"),
    ({"password": "short"}, "password"),
    ({"role": "department"}, "department_code"),
    ({"role": "producer", "department_code": "ZJJ"}, "department_code"),
    ({"role": "department", "department_code": "NOPE"}, "department_code"),
    ({"email": "not-an-address"}, "email"),
    ({"role": "chief"}, "role"),
    ({"username": ""}, "username"),
    ({"surprise": 1}, "surprise"),
])
def test_invalid_accounts_are_refused_field_by_field(make, api, changes, field):
    make.department("ZJJ", "市住建局")
    make.user("producer", username="taken")
    admin = api.as_role("admin")
    response = admin.post("/api/v1/users", json=new_account(**changes))
    assert field in fields_of(response)
    assert response.get_json()["error"]["code"] == "invalid"
    assert admin.get("/api/v1/users").get_json()["total"] == 2  # nothing was created


def test_a_deactivated_department_takes_no_new_accounts(make, api):
    admin = api.as_role("admin")
    make.department("OLD", "已撤并的局")
    assert admin.patch("/api/v1/departments/OLD", json={"active": False}).status_code == 200
    response = admin.post("/api/v1/users", json=new_account(role="department", department_code="OLD"))
    assert "department_code" in fields_of(response)


def test_several_mistakes_are_reported_together(make, api):
    make.user("producer", username="taken")
    response = api.as_role("admin").post("/api/v1/users", json=new_account(username="taken", role="department"))
    assert {"username", "department_code"} <= set(fields_of(response))


def test_any_text_is_stored_verbatim(api):
    name = "<script>alert(1)</script> 王'; DROP TABLE users;-- 𠀋😀"
    response = api.as_role("admin").post("/api/v1/users", json=new_account(username="𠀋😀", display_name=name))
    assert response.status_code == 201
    assert response.get_json()["display_name"] == name
    assert response.get_json()["username"] == "𠀋😀"


# --- reading and changing --------------------------------------------------------------------

def test_get_one_account_or_404(make, api):
    admin = api.as_role("admin")
    user = make.user("supervisor", username="ducha")
    assert admin.get(f"/api/v1/users/{user.id}").get_json()["username"] == "ducha"
    missing = admin.get("/api/v1/users/999999")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert admin.patch("/api/v1/users/999999", json={"active": False}).status_code == 404


def test_admin_changes_name_email_role_and_department(make, api):
    admin = api.as_role("admin")
    zjj, wjw = make.department("ZJJ", "市住建局"), make.department("WJW", "市卫健委")
    user = make.user("department", department=zjj, username="staff")

    moved = admin.patch(f"/api/v1/users/{user.id}", json={"department_code": "WJW", "display_name": "李科员",
                                                          "email": "li@wjw.gov.cn"})
    assert moved.status_code == 200
    assert moved.get_json()["department"]["code"] == "WJW"
    assert moved.get_json()["display_name"] == "李科员" and moved.get_json()["email"] == "li@wjw.gov.cn"

    promoted = admin.patch(f"/api/v1/users/{user.id}", json={"role": "supervisor"})
    assert promoted.get_json()["role"] == "supervisor"
    assert promoted.get_json()["department"] is None  # leaving the department role leaves the department

    assert admin.patch(f"/api/v1/users/{user.id}", json={"email": None}).get_json()["email"] is None
    assert wjw.id and reload(user).department_id is None


@pytest.mark.parametrize("changes, field", [
    ({"role": "department"}, "department_code"),
    ({"role": "department", "department_code": "NOPE"}, "department_code"),
    ({"department_code": "ZJJ"}, "department_code"),
    ({"email": "nope@"}, "email"),
    ({"password": "short"}, "password"),
    ({"active": "perhaps"}, "active"),
    ({"username": "renamed"}, "username"),
])
def test_invalid_changes_are_refused_and_change_nothing(make, api, changes, field):
    make.department("ZJJ", "市住建局")
    user = make.user("producer", username="editor")
    response = api.as_role("admin").patch(f"/api/v1/users/{user.id}", json=changes)
    assert field in fields_of(response)
    user = reload(user)
    assert user.role.value == "producer" and user.department_id is None and user.username == "editor"


def test_a_department_account_cannot_lose_its_department(make, api):
    user = make.user("department")
    response = api.as_role("admin").patch(f"/api/v1/users/{user.id}", json={"department_code": None})
    assert "department_code" in fields_of(response)


def test_admin_resets_a_password(make, api, app):
    user = make.user("producer", username="forgetful")
    response = api.as_role("admin").patch(f"/api/v1/users/{user.id}", json={"password": "brand-new-pass"})
    assert response.status_code == 200
    client = app.test_client()
    assert client.post("/api/v1/auth/login", json={"username": "forgetful", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/login",
                       json={"username": "forgetful", "password": "brand-new-pass"}).status_code == 200


# --- keeping the system administrable ----------------------------------------------------------

@pytest.mark.parametrize("changes, field", [({"active": False}, "active"), ({"role": "producer"}, "role")])
def test_an_admin_cannot_deactivate_or_demote_themself(make, api, changes, field):
    make.user("admin")  # another admin exists, so this is about oneself, not about the last admin
    client = api.as_role("admin")
    response = client.patch(f"/api/v1/users/{client.user.id}", json=changes)
    assert field in fields_of(response)
    assert response.get_json()["error"]["message"]
    user = reload(client.user)
    assert user.active and user.role.value == "admin"


def test_an_admin_may_change_their_own_name_and_password(api):
    client = api.as_role("admin")
    response = client.patch(f"/api/v1/users/{client.user.id}", json={"display_name": "总管理员", "active": True,
                                                                    "role": "admin"})
    assert response.status_code == 200 and response.get_json()["display_name"] == "总管理员"


@pytest.mark.both_databases
@pytest.mark.parametrize("changes", [{"active": False}, {"role": "supervisor"}])
def test_the_last_active_admin_stays(api, changes):
    client = api.as_role("admin")
    response = client.patch(f"/api/v1/users/{client.user.id}", json=changes)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert reload(client.user).active and reload(client.user).role.value == "admin"


def test_an_admin_may_demote_another_admin_while_one_remains(make, api):
    other = make.user("admin")
    response = api.as_role("admin").patch(f"/api/v1/users/{other.id}", json={"role": "producer"})
    assert response.status_code == 200 and response.get_json()["role"] == "producer"


@pytest.mark.both_databases
def test_an_inactive_admin_does_not_count_as_the_remaining_one(make, api):
    dormant = make.user("admin")
    client = api.as_role("admin")
    assert client.patch(f"/api/v1/users/{dormant.id}", json={"active": False}).status_code == 200
    assert client.patch(f"/api/v1/users/{client.user.id}", json={"role": "producer"}).status_code == 409


# --- tokens ------------------------------------------------------------------------------------

def test_a_token_made_by_an_admin_works_until_revoked(make, api, app):
    admin = api.as_role("admin")
    user = make.user("producer", username="studio-screen")
    created = admin.post(f"/api/v1/users/{user.id}/tokens", json={"name": "演播室大屏"})
    assert created.status_code == 201
    body = created.get_json()
    secret = body["token"]
    assert secret.startswith("ftt_") and secret.startswith(body["prefix"])
    assert body["name"] == "演播室大屏" and body["revoked_at"] is None

    whoami = app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert whoami.status_code == 200 and whoami.get_json()["user"]["username"] == "studio-screen"

    revoked = admin.post(f"/api/v1/tokens/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert "token" not in revoked.get_json()
    assert me(secret, app) == 401
    again = admin.post(f"/api/v1/tokens/{body['id']}/revoke")
    assert again.status_code == 200 and again.get_json()["revoked_at"] == revoked.get_json()["revoked_at"]
    assert admin.post("/api/v1/tokens/999999/revoke").status_code == 404


def test_token_lists_never_hold_the_token_or_its_hash(make, api):
    admin = api.as_role("admin")
    user = make.user("producer")
    secret = admin.post(f"/api/v1/users/{user.id}/tokens", json={"name": "脚本"}).get_json()["token"]
    stored_hash = db.session.scalar(select(ApiToken.token_hash).where(ApiToken.user_id == user.id))
    listing = admin.get(f"/api/v1/users/{user.id}/tokens")
    assert listing.status_code == 200
    assert [set(item) for item in listing.get_json()] == [TOKEN_KEYS]
    assert secret not in listing.get_data(as_text=True) and stored_hash not in listing.get_data(as_text=True)
    assert admin.get("/api/v1/users/999999/tokens").status_code == 404


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": "ok", "token": "mine"}])
def test_a_token_needs_a_name(make, api, body):
    user = make.user("producer")
    assert api.as_role("admin").post(f"/api/v1/users/{user.id}/tokens", json=body).status_code == 422
    assert api.as_user(user).post("/api/v1/auth/tokens", json=body).status_code == 422


def test_no_token_for_a_deactivated_account(make, api):
    user = make.user("producer")
    admin = api.as_role("admin")
    admin.patch(f"/api/v1/users/{user.id}", json={"active": False})
    response = admin.post(f"/api/v1/users/{user.id}/tokens", json={"name": "脚本"})
    assert response.status_code == 409


def test_each_user_manages_only_their_own_tokens(make, api, app):
    producer, supervisor = api.as_role("producer"), api.as_role("supervisor")
    mine = producer.post("/api/v1/auth/tokens", json={"name": "剪辑脚本"}).get_json()
    theirs = supervisor.post("/api/v1/auth/tokens", json={"name": "督办导出"}).get_json()

    listing = producer.get("/api/v1/auth/tokens").get_json()
    assert mine["id"] in [t["id"] for t in listing] and theirs["id"] not in [t["id"] for t in listing]
    assert all(set(t) == TOKEN_KEYS for t in listing)

    refused = producer.post(f"/api/v1/auth/tokens/{theirs['id']}/revoke")
    assert refused.status_code == 404
    assert me(theirs["token"], app) == 200

    assert producer.post(f"/api/v1/auth/tokens/{mine['id']}/revoke").status_code == 200
    assert me(mine["token"], app) == 401


# --- deactivation takes effect at once -----------------------------------------------------------

def test_a_deactivated_account_loses_its_tokens_and_sessions_at_once(make, api, app):
    user = make.user("department")
    secret = make.token(user)
    session, _csrf = api.session_login(user)
    assert me(secret, app) == 200 and session.get("/api/v1/auth/me").status_code == 200

    assert api.as_role("admin").patch(f"/api/v1/users/{user.id}", json={"active": False}).status_code == 200
    assert me(secret, app) == 401
    assert session.get("/api/v1/auth/me").status_code == 401

    assert api.as_role("admin").patch(f"/api/v1/users/{user.id}", json={"active": True}).status_code == 200
    # Reactivating brings back neither: the tokens were revoked, the sessions ended (test_sessions.py).
    assert me(secret, app) == 401
    assert session.get("/api/v1/auth/me").status_code == 401


def test_session_writes_need_the_csrf_header(make, api):
    admin = make.user("admin")
    client, csrf = api.session_login(admin)
    refused = client.post("/api/v1/users", json=new_account())
    assert refused.status_code == 403
    accepted = client.post("/api/v1/users", json=new_account(), headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201
