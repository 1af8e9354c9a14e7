"""The settings pages: departments, accounts and tokens, managed through forms in the browser."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ApiToken, Department, User

from .factories import PASSWORD

PAGES = ["/admin", "/admin/departments", "/admin/departments/new", "/admin/users", "/admin/users/new"]


class Browser:
    """A signed-in browser: follows the forms as a person would, CSRF token included."""

    def __init__(self, app, user) -> None:
        self.client = app.test_client()
        response = self.client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 200
        self.csrf = response.get_json()["csrf_token"]
        self.user = user

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def submit(self, path: str, data: dict | None = None, *, csrf: bool = True):
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        return self.client.post(path, data=form)


@pytest.fixture
def admin(app, make):
    return Browser(app, make.user("admin", username="root"))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def bearer_status(app, token: str) -> int:
    return app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


# --- who gets in -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["producer", "department", "supervisor"])
def test_other_roles_get_403(app, make, role):
    browser = Browser(app, make.user(role))
    target = make.user("producer")
    for path in [*PAGES, f"/admin/users/{target.id}", f"/admin/users/{target.id}/tokens"]:
        assert browser.get(path).status_code == 403, path
    assert browser.submit("/admin/departments/new", {"code": "X", "name": "越权部门"}).status_code == 403
    assert db.session.scalar(select(Department).where(Department.code == "X")) is None


def test_anonymous_visitors_are_sent_to_login(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_every_page_renders_with_its_csrf_token_and_no_inline_script(admin, make):
    department = make.department("ZJJ", "市住建局")
    user = make.user("department", department=department)
    for path in [*PAGES, f"/admin/departments/{department.id}", f"/admin/users/{user.id}",
                 f"/admin/users/{user.id}/tokens"]:
        response = admin.get(path)
        assert response.status_code == 200, path
        page = text_of(response)
        assert 'src="/static/js/admin.js"' in page
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), f"inline script on {path}"
        if path != "/admin" and path != "/admin/departments" and path != "/admin/users":
            assert 'name="csrf_token"' in page, path


def test_a_form_without_its_csrf_token_is_refused(admin):
    response = admin.submit("/admin/departments/new", {"code": "MZJ", "name": "市民政局"}, csrf=False)
    assert response.status_code == 403
    assert db.session.scalar(select(Department).where(Department.code == "MZJ")) is None


# --- the overview ------------------------------------------------------------------------------

def test_the_overview_counts_and_links(admin, make):
    make.department("FX", "房县人民政府", "county")
    make.user("supervisor")
    page = text_of(admin.get("/admin"))
    assert 'href="/admin/departments?kind=county&amp;status=active"' in page
    assert 'href="/admin/users?role=supervisor&amp;status=active"' in page


# --- departments -------------------------------------------------------------------------------

def test_admin_creates_a_department_through_the_form(admin):
    response = admin.submit("/admin/departments/new", {"code": "MZJ", "name": "市民政局", "kind": "municipal"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/departments")
    department = db.session.scalar(select(Department).where(Department.code == "MZJ"))
    assert department is not None and department.name == "市民政局" and department.active
    listing = text_of(admin.get("/admin/departments"))
    assert "市民政局" in listing and "flash-success" in listing


@pytest.mark.parametrize("data, field", [
    ({"code": "", "name": "市民政局", "kind": "municipal"}, "code"),
    ({"code": "bad code!", "name": "市民政局", "kind": "municipal"}, "code"),
    ({"code": "ZJJ", "name": "另一个局", "kind": "municipal"}, "code"),
    ({"code": "NEW", "name": "市住建局", "kind": "municipal"}, "name"),
    ({"code": "NEW", "name": "", "kind": "municipal"}, "name"),
    ({"code": "NEW", "name": "某局", "kind": "ministry"}, "kind"),
])
def test_department_form_errors_stand_next_to_their_fields(admin, make, data, field):
    make.department("ZJJ", "市住建局")
    response = admin.submit("/admin/departments/new", data)
    assert response.status_code == 422
    page = text_of(response)
    assert f'id="{field}-error"' in page
    assert len(db.session.scalars(select(Department)).all()) == 1  # nothing was created


def test_admin_renames_recategorises_and_deactivates_a_department(admin, make):
    department = make.department("FX", "房县政府")
    form = text_of(admin.get(f"/admin/departments/{department.id}"))
    assert 'value="房县政府"' in form
    response = admin.submit(f"/admin/departments/{department.id}", {"name": "房县人民政府", "kind": "county"})
    assert response.status_code == 302
    db.session.expire_all()
    department = db.session.get(Department, department.id)
    assert department.name == "房县人民政府" and department.kind.value == "county" and not department.active

    admin.submit(f"/admin/departments/{department.id}", {"name": "房县人民政府", "kind": "county", "active": "y"})
    db.session.expire_all()
    assert db.session.get(Department, department.id).active
    assert admin.get("/admin/departments/999999").status_code == 404


@pytest.mark.both_databases
def test_the_department_list_searches_filters_and_sorts(admin, make):
    make.department("ZJJ", "市住建局")
    make.department("WJW", "市卫健委")
    make.department("FX", "房县人民政府", "county")
    make.department("ZS", "竹山县人民政府", "county")
    old = make.department("OLD", "已撤并的局")
    admin.submit(f"/admin/departments/{old.id}", {"name": old.name, "kind": "municipal"})

    def codes(query: str) -> list[str]:
        return re.findall(r"<td class=\"nowrap\"><code>([A-Z]+)</code>", text_of(admin.get("/admin/departments" + query)))

    assert codes("") == ["FX", "OLD", "WJW", "ZJJ", "ZS"]
    assert codes("?sort=-code") == ["ZS", "ZJJ", "WJW", "OLD", "FX"]
    assert codes("?kind=county") == ["FX", "ZS"]
    assert codes("?q=住建") == ["ZJJ"]
    assert codes("?q=zjj") == ["ZJJ"]
    assert codes("?status=inactive") == ["OLD"]
    assert codes("?kind=county&q=竹山") == ["ZS"]
    assert codes("?kind=nonsense&sort=nonsense") == ["FX", "OLD", "WJW", "ZJJ", "ZS"]


def test_the_department_list_counts_accounts(admin, make):
    department = make.department("ZJJ", "市住建局")
    make.user("department", department=department)
    make.user("department", department=department)
    make.department("WJW", "市卫健委")
    page = text_of(admin.get("/admin/departments?sort=-users"))
    assert re.search(r'href="/admin/users\?department=ZJJ"[^>]*>2</a>', page)
    assert page.index("ZJJ") < page.index("WJW")  # most accounts first


def test_hostile_department_names_are_escaped(admin):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = admin.submit("/admin/departments/new", {"code": "EVIL", "name": hostile, "kind": "other"})
    assert response.status_code == 302
    assert db.session.scalar(select(Department.name).where(Department.code == "EVIL")) == hostile
    for path in ["/admin/departments", "/admin/users/new"]:
        page = text_of(admin.get(path))
        assert hostile not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page, path


# --- accounts ----------------------------------------------------------------------------------

def test_admin_creates_a_department_account_through_the_form(admin, make, app):
    make.department("ZJJ", "市住建局")
    response = admin.submit("/admin/users/new", {
        "username": "zjj-wang", "display_name": "王科长", "email": "wang@zjj.gov.cn", "role": "department",
        "department_code": "ZJJ", "password": "long-enough-1"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "zjj-wang"))
    assert user.department.code == "ZJJ" and user.display_name == "王科长" and user.email == "wang@zjj.gov.cn"
    signed_in = app.test_client().post("/api/v1/auth/login", json={"username": "zjj-wang", "password": "long-enough-1"})
    assert signed_in.status_code == 200
    assert "zjj-wang" in text_of(admin.get("/admin/users?department=ZJJ"))


def test_the_new_account_form_offers_active_departments_by_kind(admin, make):
    make.department("ZJJ", "市住建局")
    make.department("FX", "房县人民政府", "county")
    closed = make.department("OLD", "已撤并的局")
    admin.submit(f"/admin/departments/{closed.id}", {"name": closed.name, "kind": "municipal"})
    page = text_of(admin.get("/admin/users/new"))
    assert re.search(r'<option[^>]*selected[^>]*value="department"', page)  # never admin by default
    assert "<optgroup" in page and 'value="ZJJ"' in page and 'value="FX"' in page
    assert 'value="OLD"' not in page
    assert "data-role-select" in page and "data-department-field" in page


@pytest.mark.parametrize("data, field", [
    ({"role": "department", "department_code": ""}, "department_code"),
    ({"role": "department", "department_code": "NOPE"}, "department_code"),
    ({"username": "taken"}, "username"),
    ({"password": "short"}, "password"),
    ({"email": "not-an-address"}, "email"),
    ({"role": "chief"}, "role"),
])
def test_account_form_errors_stand_next_to_their_fields(admin, make, data, field):
    make.department("ZJJ", "市住建局")
    make.user("producer", username="taken")
    form = {"username": "newbie", "role": "producer", "password": "long-enough-1", **data}
    response = admin.submit("/admin/users/new", form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in text_of(response)
    assert db.session.scalar(select(User).where(User.username == "newbie")) is None


def test_a_department_left_selected_for_another_role_is_ignored(admin, make):
    make.department("ZJJ", "市住建局")
    response = admin.submit("/admin/users/new", {"username": "editor", "role": "producer", "department_code": "ZJJ",
                                                 "password": "long-enough-1"})
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.username == "editor")).department is None


def test_admin_edits_an_account_and_resets_its_password(admin, make, app):
    zjj, wjw = make.department("ZJJ", "市住建局"), make.department("WJW", "市卫健委")
    user = make.user("department", department=zjj, username="staff")
    page = text_of(admin.get(f"/admin/users/{user.id}"))
    assert "staff" in page and 'name="username"' not in page  # shown, not editable
    assert re.search(r'<option[^>]*selected[^>]*value="ZJJ"', page)
    response = admin.submit(f"/admin/users/{user.id}", {
        "display_name": "李科员", "email": "", "role": "department", "department_code": "WJW", "active": "y",
        "new_password": "another-pass-1"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.department_id == wjw.id and user.display_name == "李科员" and user.email is None
    assert app.test_client().post("/api/v1/auth/login",
                                  json={"username": "staff", "password": "another-pass-1"}).status_code == 200


def test_deactivating_an_account_through_the_form_signs_it_out(admin, make, app):
    user = make.user("producer")
    token = make.token(user)
    response = admin.submit(f"/admin/users/{user.id}", {"display_name": user.display_name, "role": "producer"})
    assert response.status_code == 302
    assert bearer_status(app, token) == 401
    assert "badge-neutral" in text_of(admin.get("/admin/users?status=inactive"))


def test_an_admin_cannot_deactivate_themself_through_the_form(admin, make):
    make.user("admin")
    response = admin.submit(f"/admin/users/{admin.user.id}", {"display_name": "root", "role": "admin"})
    assert response.status_code == 422
    assert 'id="active-error"' in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).active


def test_the_last_admin_cannot_demote_themself_through_the_form(admin):
    response = admin.submit(f"/admin/users/{admin.user.id}", {"display_name": "root", "role": "producer",
                                                             "active": "y"})
    assert response.status_code == 409
    assert "flash-error" in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).role.value == "admin"


def test_the_account_list_filters(admin, make):
    zjj = make.department("ZJJ", "市住建局")
    make.user("department", department=zjj, username="zjj-wang")
    make.user("supervisor", username="ducha-li", email="li@dc.gov.cn")
    assert "ducha-li" in text_of(admin.get("/admin/users?role=supervisor"))
    assert "zjj-wang" not in text_of(admin.get("/admin/users?role=supervisor"))
    assert "zjj-wang" in text_of(admin.get("/admin/users?department=ZJJ"))
    assert "ducha-li" in text_of(admin.get("/admin/users?q=DC.GOV"))
    assert "ducha-li" not in text_of(admin.get("/admin/users?status=inactive"))
    assert admin.get("/admin/users?page=0&role=nonsense").status_code == 200
    assert admin.get("/admin/users/999999").status_code == 404


# --- tokens ------------------------------------------------------------------------------------

def test_a_token_is_shown_once_and_works_until_revoked(admin, make, app):
    user = make.user("producer", username="screen")
    response = admin.submit(f"/admin/users/{user.id}/tokens", {"name": "演播室大屏"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text_of(response)
    token = re.search(r'id="new-token"[^>]*value="(ftt_[^"]+)"', page).group(1)
    assert "data-copy" in page
    assert bearer_status(app, token) == 200

    listing = text_of(admin.get(f"/admin/users/{user.id}/tokens"))
    assert "演播室大屏" in listing and token not in listing
    record = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert record.token_hash not in listing

    confirm = admin.get(f"/admin/tokens/{record.id}/revoke")
    assert confirm.status_code == 200 and 'name="csrf_token"' in text_of(confirm)
    assert bearer_status(app, token) == 200  # looking at the confirmation changes nothing
    revoked = admin.submit(f"/admin/tokens/{record.id}/revoke")
    assert revoked.status_code == 302 and revoked.headers["Location"].endswith(f"/admin/users/{user.id}/tokens")
    assert bearer_status(app, token) == 401
    assert admin.get("/admin/tokens/999999/revoke").status_code == 404


def test_a_token_needs_a_name_and_an_active_account(admin, make):
    user = make.user("producer")
    response = admin.submit(f"/admin/users/{user.id}/tokens", {"name": ""})
    assert response.status_code == 422 and 'id="name-error"' in text_of(response)
    admin.submit(f"/admin/users/{user.id}", {"display_name": user.display_name, "role": "producer"})
    refused = admin.submit(f"/admin/users/{user.id}/tokens", {"name": "脚本"})
    assert refused.status_code == 409
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is None


def test_admin_creates_shows_once_and_revokes_a_display_token(app, make, api):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.live.display_tokens import display_token_valid
    from tracker.models import DisplayToken

    client, _csrf = api.session_login(make.user("admin"))
    page = client.get("/admin/displays")
    assert page.status_code == 200
    csrf = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    created = client.post("/admin/displays", data={"name": "演播室大屏2", "csrf_token": csrf})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    token = created.get_data(as_text=True).split('id="new-token" class="token-value" type="text" value="')[1].split('"')[0]
    assert display_token_valid(token)
    assert token not in client.get("/admin/displays").get_data(as_text=True)
    record = db.session.scalar(select(DisplayToken).where(DisplayToken.name == "演播室大屏2"))
    client.post(f"/admin/displays/{record.id}/revoke", data={"csrf_token": csrf})
    db.session.expire_all()
    assert not display_token_valid(token)


def test_only_admins_manage_display_tokens(make, api):
    client, _csrf = api.session_login(make.user("producer"))
    assert client.get("/admin/displays").status_code == 403
