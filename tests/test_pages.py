"""The start pages, sign-in and the error page, through the test client on both databases."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tracker.extensions import db
from tracker.models import CaseStatus, EpisodeStatus

from .factories import PASSWORD

LANDINGS = {"producer": "/studio", "department": "/dept", "supervisor": "/oversight"}
ROLES = ["admin", "producer", "department", "supervisor"]


def csrf_token(client, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text).group(1)


def sign_in(app, user, password: str = PASSWORD):
    """A browser-like client signed in through the login form."""
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.text
    return client


@pytest.mark.parametrize("role", LANDINGS)
def test_each_start_page_opens_for_its_role(app, make, role):
    client = sign_in(app, make.user(role))

    response = client.get(LANDINGS[role])

    assert response.status_code == 200
    assert response.text.count('aria-current="page"') == 1  # its own link in the navigation, only
    assert f'<a href="{LANDINGS[role]}" aria-current="page">' in response.text


@pytest.mark.parametrize(("page_role", "visitor_role"),
                         [(page, visitor) for page in LANDINGS for visitor in ROLES if visitor != page])
def test_other_roles_are_refused_a_start_page(app, make, page_role, visitor_role):
    client = sign_in(app, make.user(visitor_role))

    response = client.get(LANDINGS[page_role])

    assert response.status_code == 403
    assert "<h1" in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("path", LANDINGS.values())
def test_an_anonymous_visitor_is_sent_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


def test_signing_in_leads_each_role_home(app, make):
    for role, path in [*LANDINGS.items(), ("admin", "/admin")]:
        client = app.test_client()
        user = make.user(role)
        response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                               "csrf_token": csrf_token(client)})
        assert response.headers["Location"] == path


def test_a_wrong_password_is_refused_readably_and_signs_no_one_in(app, client, make):
    user = make.user("producer")

    response = client.post("/login", data={"username": user.username, "password": "wrong",
                                           "csrf_token": csrf_token(client)})

    assert response.status_code == 200
    assert 'class="flash flash-error"' in response.text
    assert "用户名或密码错误。" in response.text  # Chinese by default
    assert 'value="' + user.username + '"' in response.text  # the name is kept, the password is not
    assert client.get("/studio").status_code == 302


def test_an_unknown_page_is_a_readable_page(client):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert '<p class="error-status">404</p>' in response.text
    assert "页面不存在" in response.text
    assert 'href="/"' in response.text and 'class="site-header"' in response.text


def test_the_public_page_counts_what_has_aired(client, make):
    department = make.department(name="市住建局")
    make.case("幸福路断头路", departments=[department], status=CaseStatus.AIRED)
    make.case("还在问题池里", departments=[department], status=CaseStatus.POOL)
    make.episode(7, "聚焦城市建设", date(2026, 11, 6)).status = EpisodeStatus.ENDED
    make.episode(8, "下一期", date(2026, 12, 4))
    db.session.commit()

    page = client.get("/").text

    values = re.findall(r'<span class="stat-value">(\d+)</span>', page)
    assert values == ["1", "1", "1"]
    assert "聚焦城市建设" in page and "下一期" not in page
    assert "张秀兰" not in page and "13900000001" not in page  # the complainant stays private


def test_the_public_page_works_on_an_empty_database(client):
    response = client.get("/")

    assert response.status_code == 200
    assert re.findall(r'<span class="stat-value">(\d+)</span>', response.text) == ["0", "0", "0"]
    assert 'class="empty"' in response.text


def test_the_studio_counts_the_pool_and_lists_the_episodes_ahead(app, make):
    make.case("甲", status=CaseStatus.POOL)
    make.case("乙", status=CaseStatus.POOL)
    make.case("丙", status=CaseStatus.AIRED)
    make.episode(1, "已播出的一期", date(2026, 11, 6)).status = EpisodeStatus.ENDED
    upcoming = make.episode(2, "下周的一期", date(2026, 12, 4))
    db.session.commit()
    client = sign_in(app, make.user("producer"))

    page = client.get("/studio").text

    assert re.findall(r'<span class="stat-value">(\d+)</span>', page) == ["3", "2", "0", "1", "0"]
    assert "下周的一期" in page and "已播出的一期" not in page
    assert f'href="/studio/episodes/{upcoming.id}"' in page  # straight to its console
    assert 'href="/cases?status=pool"' in page


def test_a_department_sees_only_its_own_cases_newest_first(app, make):
    ours, theirs = make.department(name="市住建局"), make.department(name="市城管局")
    make.case("我们牵头的旧问题", departments=[ours])
    make.case("别人牵头我们配合", departments=[theirs, ours])
    make.case("与我们无关", departments=[theirs])
    client = sign_in(app, make.user("department", department=ours))

    page = client.get("/dept").text

    assert "<h1>市住建局</h1>" in page
    assert page.index("别人牵头我们配合") < page.index("我们牵头的旧问题")
    assert "与我们无关" not in page


def test_a_department_case_list_shows_the_newest_ten(app, make):
    ours = make.department()
    for n in range(22):
        make.case(f"问题{n:02d}", departments=[ours])
    client = sign_in(app, make.user("department", department=ours))

    page = client.get("/dept").text

    assert len(re.findall(r'href="/cases/\d+"', page)) == 10
    assert "问题21" in page and "问题12" in page and "问题11" not in page


def test_oversight_ranks_lead_departments(app, make):
    busy, quiet = make.department(code="BUSY", name="市住建局"), make.department(code="QUIET", name="市民政局")
    for _ in range(3):
        make.case(departments=[busy, quiet])
    make.case(departments=[quiet])
    client = sign_in(app, make.user("supervisor"))

    page = client.get("/oversight").text

    assert page.index("市住建局") < page.index("市民政局")
    assert re.search(r'<td class="num">3</td>', page) and re.search(r'<td class="num">1</td>', page)
    assert 'href="/cases?department=BUSY"' in page


def test_html_in_data_is_shown_escaped(app, make):
    hostile = '<script>alert("x")</script>'
    department = make.department(name="市住建局")
    make.case(hostile, departments=[department])
    client = sign_in(app, make.user("department", department=department))

    page = client.get("/dept").text

    assert hostile not in page
    assert "&lt;script&gt;" in page
