"""The case pool's pages: producers add and edit cases; supervisors and admins read them."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

import tracker
from tracker.extensions import db
from tracker.models import Case

HOSTILE_TITLE = "<script>alert('x')</script> 𠀀😀"


@pytest.fixture
def departments(make):
    return {code: make.department(code, name) for code, name in
            [("ZJJ", "市住建局"), ("CGJ", "市城管局"), ("FX", "房县人民政府")]}


@pytest.fixture
def signed_in(api, make):
    """`signed_in("producer")`: a browser session of a new user of that role, and its CSRF token."""
    def sign_in(role, department=None):
        return api.session_login(make.user(role, department=department))
    return sign_in


@pytest.fixture
def producer(signed_in, departments):
    return signed_in("producer")


def case_form(csrf, **changes) -> dict:
    form = {"csrf_token": csrf, "title": "某小区断头路十年未通", "summary": "居民出行需绕行两公里",
            "location": "茅箭区", "category": "断头路", "source": "hotline", "work_order_no": "",
            "lead_department": "ZJJ", "co_departments": ["CGJ"], "complainant_name": "张秀兰",
            "complainant_phone": "13900000001"}
    form.update(changes)
    return form


def text_of(response) -> str:
    return response.get_data(as_text=True)


def case_count() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def only_case() -> Case:
    db.session.expire_all()
    return db.session.scalars(select(Case)).one()


# --- who may see what ---------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/cases?status=pool")
    assert response.status_code == 302
    assert "/login" in response.location


@pytest.mark.parametrize("path", ["/cases", "/cases/new"])
def test_department_staff_do_not_see_the_pool(signed_in, departments, path):
    client, _ = signed_in("department", departments["ZJJ"])
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_admins_read_but_do_not_edit(signed_in, make, departments, role):
    case = make.case(departments=[departments["ZJJ"]])
    client, csrf = signed_in(role)
    pool = text_of(client.get("/cases"))
    assert case.ref in pool
    assert "/cases/new" not in pool
    detail = client.get(f"/cases/{case.id}")
    assert detail.status_code == 200
    assert "张秀兰" in text_of(detail) and "13900000001" in text_of(detail)
    assert f"/cases/{case.id}/edit" not in text_of(detail)
    assert client.get("/cases/new").status_code == 403
    assert client.get(f"/cases/{case.id}/edit").status_code == 403
    assert client.post("/cases/new", data=case_form(csrf)).status_code == 403
    assert case_count() == 1


def test_a_responsible_department_reads_its_case_and_no_other(signed_in, make, departments):
    own = make.case(departments=[departments["FX"], departments["ZJJ"]])
    other = make.case(departments=[departments["CGJ"]], complainant_name="王五")
    client, _ = signed_in("department", departments["ZJJ"])
    response = client.get(f"/cases/{own.id}")
    assert response.status_code == 200
    assert "张秀兰" in text_of(response)
    refused = client.get(f"/cases/{other.id}")
    assert refused.status_code == 403
    assert "王五" not in text_of(refused)


def test_an_unknown_case_is_a_404_page(producer):
    client, _ = producer
    for path in ("/cases/999", "/cases/999/edit"):
        response = client.get(path)
        assert response.status_code == 404
        assert "<html" in text_of(response)


# --- the pool -----------------------------------------------------------------------------

def test_the_pool_lists_cases_newest_first_with_a_new_case_button(producer, make, departments):
    older = make.case("老旧小区改造", departments=[departments["FX"], departments["ZJJ"]], category="老旧小区改造")
    newer = make.case("电动车充电棚", departments=[departments["CGJ"]], source="online")
    client, _ = producer
    page = text_of(client.get("/cases"))
    assert 'href="/cases/new"' in page
    assert page.index(newer.ref) < page.index(older.ref)
    for text in ("房县人民政府", "老旧小区改造", "电动车充电棚", "市城管局"):
        assert text in page


@pytest.mark.both_databases
def test_the_pool_filters_and_searches(producer, make, departments):
    road = make.case("断头路", departments=[departments["ZJJ"]], category="断头路", location="茅箭区")
    power = make.case("转供电", departments=[departments["FX"], departments["ZJJ"]], category="转供电",
                      source="undercover")
    parking = make.case("停车难", departments=[departments["CGJ"]], category="停车难", status="archived")
    client, _ = producer

    def refs(**query):
        page = text_of(client.get("/cases", query_string=query))
        return {case.ref for case in (road, power, parking) if case.ref in page}

    assert refs(department="ZJJ") == {road.ref, power.ref}
    assert refs(category="转供电") == {power.ref}
    assert refs(source="undercover") == {power.ref}
    assert refs(status="archived") == {parking.ref}
    assert refs(q="茅箭") == {road.ref}
    assert refs(q="无此内容") == set()
    # A filter value that is not one of the choices is ignored, not an error page.
    assert refs(status="bogus", department="NOPE") == {road.ref, power.ref, parking.ref}


def test_pagination_keeps_the_filters(producer, make, departments):
    for n in range(30):
        make.case(f"停车难{n}", departments=[departments["CGJ"]], category="停车难")
    make.case("不相干", departments=[departments["ZJJ"]])
    client, _ = producer
    first = text_of(client.get("/cases", query_string={"q": "停车", "category": "停车难"}))
    assert "不相干" not in first
    next_link = unescape(re.search(r'<a rel="next" href="([^"]+)"', first).group(1))
    assert "page=2" in next_link and "category=" in next_link and "q=" in next_link
    second = text_of(client.get(next_link))
    assert "停车难0<" in second and "不相干" not in second
    assert "停车难29<" in first


def test_slash_focuses_the_search_box(producer):
    client, _ = producer
    page = text_of(client.get("/cases"))
    assert 'src="/static/js/cases.js"' in page
    assert re.search(r'<input[^>]*data-search-box[^>]*name="q"', page)
    script = (Path(tracker.__file__).parent / "static/js/cases.js").read_text()
    assert '"/"' in script and "focus()" in script


def test_pages_have_no_inline_script_or_style(producer, make, departments):
    case = make.case(departments=[departments["ZJJ"]])
    client, _ = producer
    for path in ("/cases", "/cases/new", f"/cases/{case.id}", f"/cases/{case.id}/edit"):
        page = text_of(client.get(path))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert " style=" not in page, path


# --- adding and editing -------------------------------------------------------------------

def test_a_producer_adds_a_case(producer):
    client, csrf = producer
    form_page = text_of(client.get("/cases/new"))
    assert 'name="csrf_token"' in form_page and "市住建局" in form_page
    response = client.post("/cases/new", data=case_form(csrf))
    assert response.status_code == 302
    case = only_case()
    assert response.location.endswith(f"/cases/{case.id}")
    assert [d.code for d in case.departments] == ["ZJJ", "CGJ"]
    assert case.complainant_phone == "13900000001"
    detail = text_of(client.get(response.location))
    assert case.ref in detail and "flash-success" in detail


def test_the_lead_department_is_not_counted_twice(producer):
    client, csrf = producer
    client.post("/cases/new", data=case_form(csrf, lead_department="FX", co_departments=["ZJJ", "FX", "CGJ"]))
    assert [d.code for d in only_case().departments] == ["FX", "ZJJ", "CGJ"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"summary": ""}, "summary"),
    ({"lead_department": ""}, "lead_department"),
    ({"lead_department": "NOPE"}, "lead_department"),
    ({"co_departments": ["NOPE"]}, "co_departments"),
    ({"source": "fax"}, "source"),
    ({"title": "长" * 201}, "title"),
])
def test_an_invalid_form_shows_the_errors_and_saves_nothing(producer, changes, field):
    client, csrf = producer
    response = client.post("/cases/new", data=case_form(csrf, **changes))
    assert response.status_code == 422
    page = text_of(response)
    assert re.search(rf'id="{field}-error"', page), field
    assert case_count() == 0


def test_a_form_without_the_csrf_token_is_refused(producer):
    client, _ = producer
    response = client.post("/cases/new", data=case_form(""))
    assert response.status_code == 403
    assert case_count() == 0


@pytest.mark.both_databases
def test_a_taken_work_order_number_is_shown_at_its_field(producer, make, departments):
    make.case(departments=[departments["ZJJ"]], work_order_no="GD-1")
    client, csrf = producer
    response = client.post("/cases/new", data=case_form(csrf, work_order_no="GD-1"))
    assert response.status_code == 422
    assert 'id="work_order_no-error"' in text_of(response)
    assert case_count() == 1


def test_a_producer_edits_a_case(producer, make, departments):
    case = make.case("旧标题", departments=[departments["ZJJ"], departments["CGJ"]])
    client, csrf = producer
    form_page = text_of(client.get(f"/cases/{case.id}/edit"))
    assert 'value="旧标题"' in form_page
    assert re.search(r'<option selected value="ZJJ">|<option value="ZJJ" selected>', form_page)
    response = client.post(f"/cases/{case.id}/edit", data=case_form(
        csrf, title="新标题", status="scheduled", lead_department="CGJ", co_departments=[],
        complainant_phone="0719-8888888"))
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case.id}")
    edited = only_case()
    assert edited.title == "新标题"
    assert edited.status.value == "scheduled"
    assert [d.code for d in edited.departments] == ["CGJ"]
    assert edited.complainant_phone == "0719-8888888"
    assert edited.ref == case.ref


def test_an_invalid_edit_changes_nothing(producer, make, departments):
    case = make.case("旧标题", departments=[departments["ZJJ"]])
    client, csrf = producer
    response = client.post(f"/cases/{case.id}/edit", data=case_form(csrf, title="", location="别处"))
    assert response.status_code == 422
    unchanged = only_case()
    assert (unchanged.title, unchanged.location) == ("旧标题", "")


# --- hostile text -------------------------------------------------------------------------

def test_hostile_text_is_stored_verbatim_and_shown_escaped(producer):
    client, csrf = producer
    response = client.post("/cases/new", data=case_form(
        csrf, title=HOSTILE_TITLE, summary="'; DROP TABLE cases; --", category="<i>分类</i>",
        complainant_name="<b>𠀀秀兰</b>"))
    assert response.status_code == 302
    case = only_case()
    assert case.title == HOSTILE_TITLE
    assert case.complainant_name == "<b>𠀀秀兰</b>"
    for path in ("/cases", f"/cases/{case.id}", f"/cases/{case.id}/edit"):
        page = text_of(client.get(path))
        assert "<script>alert" not in page and "<b>𠀀" not in page and "<i>分类" not in page, path
        assert "&lt;script&gt;alert(" in page, path
        assert "𠀀😀" in page, path
