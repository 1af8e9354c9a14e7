"""The case pool through the API: producers fill it, staff read it, departments read their own."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.cases import service
from tracker.extensions import db
from tracker.models import Case

CASES = "/api/v1/cases"
HOSTILE = {
    "title": "<script>alert('问政')</script> & \"引号\"",
    "summary": "'; DROP TABLE cases; -- \n第二行 %_ \\ 😀 𠀀𡃁",
    "location": "<img src=x onerror=alert(1)> 房县𠮷野家",
    "category": "转供电 🔌",
    "complainant": {"name": "𠀀秀兰<b>", "phone": "139-0000-0001"},
}


@pytest.fixture
def departments(make):
    return {code: make.department(code, name) for code, name in
            [("ZJJ", "市住建局"), ("CGJ", "市城管局"), ("FX", "房县人民政府")]}


@pytest.fixture
def producer(api, departments):
    return api.as_role("producer")


def new_case(**changes) -> dict:
    """A valid body with these changes; a change to None leaves that field out."""
    body = {"title": "某小区断头路十年未通", "summary": "居民出行需绕行两公里", "department_codes": ["ZJJ", "CGJ"],
            "category": "断头路", "source": "hotline", "location": "茅箭区五堰街道",
            "complainant": {"name": "张秀兰", "phone": "13900000001"}}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def create(client, **changes) -> dict:
    response = client.post(CASES, json=new_case(**changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def case_count() -> int:
    return db.session.scalar(select(func.count(Case.id)))


# --- creating -----------------------------------------------------------------------------

@pytest.mark.both_databases
def test_producer_creates_a_case_with_a_reference_number(producer):
    body = create(producer)
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert body["ref"] == f"SY-{year}-0001"
    assert body["title"] == "某小区断头路十年未通"
    assert body["status"] == "pool"
    assert body["source"] == "hotline"
    assert body["departments"] == [{"code": "ZJJ", "name": "市住建局"}, {"code": "CGJ", "name": "市城管局"}]
    assert body["lead_department"] == "ZJJ"
    assert body["complainant"] == {"name": "张秀兰", "phone": "13900000001"}
    assert body["work_order_no"] is None
    for moment in (body["created_at"], body["updated_at"]):
        assert datetime.fromisoformat(moment).utcoffset() is not None


def test_only_title_summary_and_departments_are_needed(producer):
    body = create(producer, category=None, source=None, location=None, complainant=None)
    assert body["source"] == "hotline"
    assert body["location"] == body["category"] == ""
    assert body["complainant"] == {"name": "", "phone": ""}


def test_the_lead_is_whichever_department_comes_first(producer):
    body = create(producer, department_codes=["FX", "ZJJ"])
    assert [d["code"] for d in body["departments"]] == ["FX", "ZJJ"]
    assert body["lead_department"] == "FX"


@pytest.mark.both_databases
def test_reference_numbers_are_unique_and_sequential(producer):
    refs = [create(producer, title=f"问题{n}")["ref"] for n in range(1, 4)]
    assert [int(ref.rsplit("-", 1)[1]) for ref in refs] == [1, 2, 3]
    assert len(set(refs)) == 3
    assert all(re.fullmatch(r"SY-\d{4}-\d{4}", ref) for ref in refs)


@pytest.mark.both_databases
def test_a_number_taken_by_another_writer_is_retried(producer, monkeypatch):
    create(producer)
    real_assign = service.assign_ref
    calls = []

    def stale_then_fresh(case, now=None):
        # The first attempt reads the highest number as it was before the other writer's
        # case was saved: exactly what a concurrent writer sees.
        real_assign(case, now)
        if not calls:
            case.ref_seq -= 1
            case.ref = case.ref[:-4] + f"{case.ref_seq:04d}"
        calls.append(case.ref)

    monkeypatch.setattr(service, "assign_ref", stale_then_fresh)
    body = create(producer, title="并发写入")
    assert len(calls) == 2
    assert body["ref"].endswith("-0002")
    assert case_count() == 2


@pytest.mark.both_databases
def test_work_order_number_is_kept_and_may_not_repeat(producer):
    assert create(producer, work_order_no="GD20261129001")["work_order_no"] == "GD20261129001"
    clash = producer.post(CASES, json=new_case(work_order_no="GD20261129001"))
    assert clash.status_code == 409
    assert "work_order_no" in clash.get_json()["error"]["fields"]
    assert case_count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": None}, "title"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "长" * 201}, "title"),
    ({"summary": "  "}, "summary"),
    ({"department_codes": []}, "department_codes"),
    ({"department_codes": "ZJJ"}, "department_codes"),
    ({"department_codes": ["ZJJ", "NOPE", "ALSO"]}, "department_codes"),
    ({"department_codes": ["ZJJ", "CGJ", "ZJJ"]}, "department_codes"),
    ({"source": "telegram"}, "source"),
    ({"status": "aired"}, "status"),              # a new case always starts in the pool
    ({"complainant": {"phone": "1" * 41}}, "complainant.phone"),
    ({"complainant": {"email": "a@b.c"}}, "complainant.email"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_case_is_refused_field_by_field_and_nothing_is_saved(producer, changes, field):
    response = producer.post(CASES, json=new_case(**changes))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert case_count() == 0


def test_missing_fields_are_each_named(producer):
    response = producer.post(CASES, json={})
    assert response.status_code == 422
    assert {"title", "summary", "department_codes"} <= set(response.get_json()["error"]["fields"])


def test_unknown_department_codes_are_named(producer):
    response = producer.post(CASES, json=new_case(department_codes=["ZJJ", "NOPE", "ALSO"]))
    messages = " ".join(response.get_json()["error"]["fields"]["department_codes"])
    assert "NOPE" in messages and "ALSO" in messages and "ZJJ" not in messages


def test_repeated_department_codes_are_named(producer):
    response = producer.post(CASES, json=new_case(department_codes=["ZJJ", "CGJ", "ZJJ"]))
    assert "ZJJ" in " ".join(response.get_json()["error"]["fields"]["department_codes"])


def test_an_inactive_department_takes_no_new_cases(producer, api, make, departments):
    api.as_role("admin").patch("/api/v1/departments/CGJ", json={"active": False})
    response = producer.post(CASES, json=new_case(department_codes=["ZJJ", "CGJ"]))
    assert response.status_code == 422
    assert "CGJ" in " ".join(response.get_json()["error"]["fields"]["department_codes"])


def test_malformed_json_is_400_and_saves_nothing(producer):
    response = producer.post(CASES, data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed"
    assert case_count() == 0


def test_a_body_that_is_not_json_is_415(producer):
    response = producer.post(CASES, data="title=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert case_count() == 0


def test_hostile_and_non_bmp_text_round_trips_verbatim(producer):
    created = create(producer, **HOSTILE)
    fetched = producer.get(f"{CASES}/{created['id']}").get_json()
    for body in (created, fetched):
        for key in ("title", "summary", "location", "category", "complainant"):
            assert body[key] == HOSTILE[key]
    found = producer.get(CASES, query_string={"q": "𠀀𡃁"}).get_json()
    assert [item["id"] for item in found["items"]] == [created["id"]]


def test_a_session_client_must_send_the_csrf_token(api, make, departments):
    client, csrf = api.session_login(make.user("producer"))
    refused = client.post(CASES, json=new_case())
    assert refused.status_code == 403
    assert case_count() == 0
    accepted = client.post(CASES, json=new_case(), headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201


# --- who may do what ----------------------------------------------------------------------

def test_anonymous_requests_are_401(api, producer):
    case_id = create(producer)["id"]
    anonymous = api.anonymous
    for response in (anonymous.post(CASES, json=new_case()), anonymous.get(CASES),
                     anonymous.get(f"{CASES}/{case_id}"), anonymous.patch(f"{CASES}/{case_id}", json={"title": "x"})):
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthenticated"
    assert case_count() == 1


@pytest.mark.parametrize("role", ["department", "supervisor", "admin"])
def test_only_producers_create_and_edit(api, producer, role):
    case_id = create(producer)["id"]
    other = api.as_role(role)
    assert other.post(CASES, json=new_case()).status_code == 403
    assert other.patch(f"{CASES}/{case_id}", json={"title": "改"}).status_code == 403
    assert case_count() == 1
    assert producer.get(f"{CASES}/{case_id}").get_json()["title"] == "某小区断头路十年未通"


@pytest.mark.parametrize(("role", "status"), [("producer", 200), ("supervisor", 200), ("admin", 200),
                                              ("department", 403)])
def test_who_may_list_the_pool(api, departments, role, status):
    response = api.as_role(role, department=departments["ZJJ"] if role == "department" else None).get(CASES)
    assert response.status_code == status


@pytest.mark.parametrize("role", ["producer", "supervisor", "admin"])
def test_staff_read_any_case_with_its_complainant(api, producer, role):
    case_id = create(producer)["id"]
    response = api.as_role(role).get(f"{CASES}/{case_id}")
    assert response.status_code == 200
    assert response.get_json()["complainant"] == {"name": "张秀兰", "phone": "13900000001"}


@pytest.mark.parametrize("code", ["ZJJ", "CGJ"])
def test_each_responsible_department_reads_the_case_with_its_complainant(api, producer, departments, code):
    case_id = create(producer, department_codes=["ZJJ", "CGJ"])["id"]
    response = api.as_role("department", department=departments[code]).get(f"{CASES}/{case_id}")
    assert response.status_code == 200
    assert response.get_json()["complainant"] == {"name": "张秀兰", "phone": "13900000001"}


def test_another_department_may_not_read_the_case(api, producer, departments):
    case_id = create(producer, department_codes=["ZJJ"])["id"]
    response = api.as_role("department", department=departments["FX"]).get(f"{CASES}/{case_id}")
    assert response.status_code == 403
    assert "张秀兰" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["producer", "department"])
def test_an_unknown_case_is_404(api, departments, role):
    reader = api.as_role(role, department=departments["ZJJ"] if role == "department" else None)
    response = reader.get(f"{CASES}/999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


# --- listing ------------------------------------------------------------------------------

def test_list_is_newest_first_with_a_total(producer):
    ids = [create(producer, title=f"问题{n}")["id"] for n in range(3)]
    body = producer.get(CASES).get_json()
    assert body["total"] == 3
    assert [item["id"] for item in body["items"]] == list(reversed(ids))
    assert body["items"][0]["complainant"] == {"name": "张秀兰", "phone": "13900000001"}


def test_list_pages(producer):
    ids = [create(producer, title=f"问题{n}")["id"] for n in range(5)]
    first = producer.get(CASES, query_string={"per_page": 2}).get_json()
    third = producer.get(CASES, query_string={"per_page": 2, "page": 3}).get_json()
    beyond = producer.get(CASES, query_string={"per_page": 2, "page": 9}).get_json()
    assert first["total"] == third["total"] == beyond["total"] == 5
    assert [item["id"] for item in first["items"]] == [ids[4], ids[3]]
    assert [item["id"] for item in third["items"]] == [ids[0]]
    assert beyond["items"] == []


@pytest.fixture
def pool(producer):
    """Four cases that differ in each filtered field."""
    return {
        "road": create(producer, title="断头路", department_codes=["ZJJ"], category="断头路", source="hotline",
                       location="茅箭区", work_order_no="GD-001"),
        "power": create(producer, title="转供电加价", department_codes=["FX", "ZJJ"], category="转供电",
                        source="undercover", summary="房东按1.5元/度收取电费"),
        "parking": create(producer, title="Parking at Night", department_codes=["CGJ"], category="停车难",
                          source="online", summary="100% full_ every night"),
        "water": create(producer, title="饮水工程", department_codes=["FX"], category="饮水工程", source="letter",
                        location="房县城关镇"),
    }


def ids_for(client, **query) -> set[int]:
    response = client.get(CASES, query_string=query)
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


@pytest.mark.both_databases
def test_filter_by_department_matches_any_responsible_department(producer, pool):
    assert ids_for(producer, department="ZJJ") == {pool["road"]["id"], pool["power"]["id"]}
    assert ids_for(producer, department="FX") == {pool["power"]["id"], pool["water"]["id"]}


@pytest.mark.both_databases
def test_filter_by_category_source_and_status(producer, pool):
    assert ids_for(producer, category="转供电") == {pool["power"]["id"]}
    assert ids_for(producer, source="letter") == {pool["water"]["id"]}
    producer.patch(f"{CASES}/{pool['road']['id']}", json={"status": "archived"})
    assert ids_for(producer, status="archived") == {pool["road"]["id"]}
    assert len(ids_for(producer, status="pool")) == 3
    assert ids_for(producer, department="ZJJ", status="pool") == {pool["power"]["id"]}


@pytest.mark.parametrize(("q", "case"), [
    ("断头", "road"),              # title
    ("1.5元", "power"),            # summary
    ("城关镇", "water"),           # location
    ("gd-001", "road"),            # work-order number, any case
    ("parking AT night", "parking"),
    ("100%", "parking"),           # % is a character, not a wildcard
    ("full_", "parking"),          # so is _
])
@pytest.mark.both_databases
def test_search_finds_words_in_ref_title_summary_location_and_work_order(producer, pool, q, case):
    assert ids_for(producer, q=q) == {pool[case]["id"]}


@pytest.mark.both_databases
def test_search_by_reference_number(producer, pool):
    assert ids_for(producer, q=pool["water"]["ref"]) == {pool["water"]["id"]}


@pytest.mark.both_databases
def test_search_wildcards_from_users_match_nothing_on_their_own(producer, pool):
    assert ids_for(producer, q="%") == {pool["parking"]["id"]}
    assert ids_for(producer, q="_") == {pool["parking"]["id"]}
    assert ids_for(producer, q="无此内容") == set()


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"source": "fax"}, {"department": "NOPE"},
                                   {"page": 0}, {"per_page": 1000}, {"page": "x"}])
def test_unknown_filter_values_are_422(producer, query):
    response = producer.get(CASES, query_string=query)
    assert response.status_code == 422
    assert set(query) <= set(response.get_json()["error"]["fields"])


# --- editing ------------------------------------------------------------------------------

def test_producer_edits_any_field(producer):
    created = create(producer)
    changes = {"title": "断头路已开工", "summary": "新的情况", "location": "张湾区", "category": "道路",
               "source": "studio", "status": "scheduled", "work_order_no": "GD-9",
               "department_codes": ["CGJ", "FX"], "complainant": {"name": "李四", "phone": "0719-8888888"}}
    response = producer.patch(f"{CASES}/{created['id']}", json=changes)
    assert response.status_code == 200, response.get_json()
    body = producer.get(f"{CASES}/{created['id']}").get_json()
    for key in ("title", "summary", "location", "category", "source", "status", "work_order_no", "complainant"):
        assert body[key] == changes[key]
    assert [d["code"] for d in body["departments"]] == ["CGJ", "FX"]
    assert body["lead_department"] == "CGJ"
    assert body["ref"] == created["ref"]
    assert body["updated_at"] > created["updated_at"]


def test_a_patch_changes_only_what_it_names(producer):
    created = create(producer)
    body = producer.patch(f"{CASES}/{created['id']}", json={"complainant": {"phone": ""}}).get_json()
    assert body["complainant"] == {"name": "张秀兰", "phone": ""}
    assert body["title"] == created["title"]
    assert body["departments"] == created["departments"]


@pytest.mark.both_databases
def test_reordering_departments_changes_the_lead(producer):
    created = create(producer, department_codes=["ZJJ", "CGJ"])
    body = producer.patch(f"{CASES}/{created['id']}", json={"department_codes": ["CGJ", "ZJJ"]}).get_json()
    assert body["lead_department"] == "CGJ"
    assert [d["code"] for d in producer.get(f"{CASES}/{created['id']}").get_json()["departments"]] == ["CGJ", "ZJJ"]


def test_a_department_made_inactive_may_stay_on_its_case(producer, api):
    created = create(producer, department_codes=["ZJJ", "CGJ"])
    api.as_role("admin").patch("/api/v1/departments/CGJ", json={"active": False})
    response = producer.patch(f"{CASES}/{created['id']}", json={"department_codes": ["CGJ", "ZJJ"]})
    assert response.status_code == 200


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"title": " "}, "title"),
    ({"summary": ""}, "summary"),
    ({"department_codes": []}, "department_codes"),
    ({"department_codes": ["ZJJ", "NOPE"]}, "department_codes"),
    ({"department_codes": ["FX", "FX"]}, "department_codes"),
    ({"source": "fax"}, "source"),
    ({"status": "done"}, "status"),
    ({"ref": "SY-1999-0001"}, "ref"),
])
def test_an_invalid_edit_changes_nothing(producer, changes, field):
    created = create(producer)
    # A valid change next to the invalid one must not slip through either.
    response = producer.patch(f"{CASES}/{created['id']}", json={"location": "别处", **changes})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert producer.get(f"{CASES}/{created['id']}").get_json() == created


@pytest.mark.both_databases
def test_an_edit_may_not_take_another_cases_work_order_number(producer):
    create(producer, work_order_no="GD-1")
    other = create(producer, work_order_no="GD-2")
    response = producer.patch(f"{CASES}/{other['id']}", json={"work_order_no": "GD-1", "title": "改"})
    assert response.status_code == 409
    assert producer.get(f"{CASES}/{other['id']}").get_json() == other


def test_editing_an_unknown_case_is_404(producer):
    assert producer.patch(f"{CASES}/999", json={"title": "x"}).status_code == 404


# --- the document -------------------------------------------------------------------------

def test_openapi_describes_the_cases_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(document["paths"]["/api/v1/cases"])
    assert {"get", "patch"} <= set(document["paths"]["/api/v1/cases/{case_id}"])
    source = document["components"]["schemas"]["CaseIn"]["properties"]["source"]
    assert source["enum"] == ["hotline", "letter", "undercover", "online", "studio", "other"]
    for meaning in ("12345热线", "来信", "记者暗访", "网络留言", "现场提问", "其他"):
        assert meaning in source["description"]
