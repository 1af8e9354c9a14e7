"""Open311 GeoReport v2: cases that went on air, read by any civic-tech client, nothing private."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import pytest

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import Case, Commitment, CommitmentStatus, ItemState, RundownItem, utcnow

from .commitment_data import Commitments

TODAY = date(2026, 12, 10)
SECRET_NAME, SECRET_PHONE = "欧阳秘密人", "13712345678"
SECRET_NOTE, SECRET_FILE, SECRET_STAFF = "内部备注请勿公开", "欧阳秘密人身份证.png", "王秘密员"
SECRETS = (SECRET_NAME, SECRET_PHONE, SECRET_NOTE, SECRET_FILE, SECRET_STAFF)

# GeoReport v2, https://wiki.open311.org/GeoReport_v2: every field, and what type its value has.
TEXT, OPTIONAL_TEXT, OPTIONAL_NUMBER = (str,), (str, type(None)), (int, float, type(None))
SERVICE_FIELDS = {"service_code": TEXT, "service_name": TEXT, "description": TEXT, "metadata": (bool,),
                  "type": TEXT, "keywords": TEXT, "group": TEXT}
REQUEST_FIELDS = {"service_request_id": TEXT, "status": TEXT, "status_notes": OPTIONAL_TEXT,
                  "service_name": TEXT, "service_code": TEXT, "description": OPTIONAL_TEXT,
                  "agency_responsible": OPTIONAL_TEXT, "service_notice": OPTIONAL_TEXT,
                  "requested_datetime": TEXT, "updated_datetime": OPTIONAL_TEXT,
                  "expected_datetime": OPTIONAL_TEXT, "address": OPTIONAL_TEXT, "address_id": OPTIONAL_TEXT,
                  "zipcode": OPTIONAL_TEXT, "lat": OPTIONAL_NUMBER, "long": OPTIONAL_NUMBER,
                  "media_url": OPTIONAL_TEXT}
W3_DATETIMES = ("requested_datetime", "updated_datetime", "expected_datetime")


@pytest.fixture
def on_day(monkeypatch):
    monkeypatch.setattr(rules, "today", lambda: TODAY)


@pytest.fixture
def city(app, api, make, on_day):
    """Cases on air and off: one worked through the API with private notes, staff names and evidence."""
    zjj, jtj = make.department("ZJJ", "市住建局"), make.department("JTJ", "市交通局")
    road = make.case("幸福路断头路", departments=[zjj, jtj], complainant_name=SECRET_NAME,
                     complainant_phone=SECRET_PHONE, category="道路交通", location="幸福路与光明街交叉口")
    commitments = Commitments(make)
    commitments._cases[zjj.id] = road
    worked = commitments.create(zjj, deadline=TODAY + timedelta(days=20), content="月底前打通幸福路")
    verified = commitments.create(jtj, status="verified", content="更换路灯")
    given_up = commitments.create(jtj, status="closed_unfulfilled", content="增开夜班公交")
    bus = commitments._cases[jtj.id]
    bus.category = "公共交通"
    department, supervisor = api.as_role("department", zjj), api.as_role("supervisor")
    department.user.display_name = supervisor.user.display_name = SECRET_STAFF
    db.session.commit()
    department.post(f"/api/v1/commitments/{worked.id}/progress", json={"note": SECRET_NOTE, "percent": 40})
    department.post(f"/api/v1/commitments/{worked.id}/extension",
                    json={"deadline": (TODAY + timedelta(days=40)).isoformat(), "reason": SECRET_NOTE})
    supervisor.post(f"/api/v1/commitments/{worked.id}/extension/approve", json={"note": SECRET_NOTE})
    hidden = commitments.attachment(app, worked)
    shown = commitments.attachment(app, worked, public=True)
    hidden.original_name = shown.original_name = SECRET_FILE
    aired = make.case("老旧小区加装电梯", complainant_name=SECRET_NAME, complainant_phone=SECRET_PHONE)
    db.session.add(RundownItem(episode_id=worked.episode_id, case_id=aired.id, position=1, state=ItemState.DONE,
                               started_at=utcnow() - timedelta(hours=1)))
    pool = make.case("物业乱收费", category="物业管理", complainant_name=SECRET_NAME)
    db.session.commit()
    return {"road": road.ref, "bus": bus.ref, "aired": aired.ref, "pool": pool.ref, "road_id": road.id,
            "worked": worked.id, "verified": verified.id, "given_up": given_up.id, "shown": shown.id,
            "hidden": hidden.id}


def code_of(category: str) -> str:
    return "c" + hashlib.sha256(category.encode()).hexdigest()[:10]


def requests_of(client, query: str = "") -> list[dict]:
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def by_id(found: list[dict]) -> dict[str, dict]:
    return {request["service_request_id"]: request for request in found}


def assert_fields(record: dict, spec: dict) -> None:
    assert set(record) == set(spec)
    for name, types in spec.items():
        assert isinstance(record[name], types), f"{name}: {record[name]!r}"


def test_services_one_per_category_of_cases_on_air(client, city):
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    services = response.get_json()
    for service in services:
        assert_fields(service, SERVICE_FIELDS)
        assert service["metadata"] is False and service["type"] == "batch"
    codes = {s["service_code"]: s["service_name"] for s in services}
    assert codes == {code_of("道路交通"): "道路交通", code_of("公共交通"): "公共交通", "uncategorised": "未分类"}


def test_requests_carry_every_georeport_field(client, city):
    found = by_id(requests_of(client))
    assert set(found) == {city["road"], city["bus"], city["aired"]}   # never the case still in the pool
    for request in found.values():
        assert_fields(request, REQUEST_FIELDS)
        for name in W3_DATETIMES:
            if request[name] is not None:
                assert datetime.fromisoformat(request[name]).utcoffset() == timedelta(hours=8)
    road = found[city["road"]]
    assert road["service_code"] == code_of("道路交通") and road["service_name"] == "道路交通"
    assert road["agency_responsible"] == "市住建局"    # the lead department
    assert road["address"] == "幸福路与光明街交叉口"
    assert road["description"].startswith("幸福路断头路")
    assert road["expected_datetime"] == (TODAY + timedelta(days=40)).isoformat() + "T23:59:59+08:00"
    assert road["media_url"].endswith(f"/api/v1/public/attachments/{city['shown']}")
    assert road["status_notes"] == "承诺 1 项（办理中 1）"
    assert found[city["bus"]]["status_notes"] == "承诺 2 项（已核验 1，未办成关闭 1）"


def test_a_case_is_closed_once_every_commitment_is_verified_or_closed_unfulfilled(client, city):
    found = by_id(requests_of(client))
    assert found[city["road"]]["status"] == "open"
    assert found[city["bus"]]["status"] == "closed"
    assert found[city["bus"]]["expected_datetime"] is None
    assert found[city["aired"]]["status"] == "open"      # on air, nothing promised yet
    assert found[city["aired"]]["status_notes"] == "已上节目，尚未作出承诺。"
    db.session.get(Commitment, city["worked"]).status = CommitmentStatus.VERIFIED
    db.session.commit()
    assert by_id(requests_of(client))[city["road"]]["status"] == "closed"


@pytest.mark.parametrize("query, wanted", [
    ("status=open", {"road", "aired"}),
    ("status=closed", {"bus"}),
    ("status=open,closed", {"road", "bus", "aired"}),
    (f"service_code={code_of('道路交通')}", {"road"}),
    ("service_code=uncategorised", {"aired"}),
    ("service_code=nothing-like-this", set()),
    (f"service_code={code_of('公共交通')}&status=open", set()),
    (f"service_code={code_of('公共交通')}&status=closed", {"bus"}),
])
def test_filters(client, city, query, wanted):
    found = by_id(requests_of(client, query))
    assert set(found) == {city[name] for name in wanted}


def test_service_request_ids_override_every_other_filter(client, city):
    found = requests_of(client, f"service_request_id={city['road']},{city['aired']}&status=closed"
                                "&start_date=2000-01-01&end_date=2000-01-02")
    assert {r["service_request_id"] for r in found} == {city["road"], city["aired"]}
    assert requests_of(client, f"service_request_id={city['pool']}") == []


@pytest.mark.both_databases
def test_dates_window_on_requested_datetime(client, city):
    now = datetime.now(UTC)
    ages = {"road": 150, "bus": 30, "aired": 1}
    for name, days in ages.items():
        db.session.scalar(db.select(Case).where(Case.ref == city[name])).created_at = now - timedelta(days=days)
    db.session.commit()

    def found(query: str) -> set[str]:
        refs = {r["service_request_id"] for r in requests_of(client, query)}
        return {name for name in ages if city[name] in refs}

    assert found("") == {"bus", "aired"}                     # the last 90 days by default
    start = (now - timedelta(days=200)).date().isoformat()
    assert found(f"start_date={start}") == {"road", "bus", "aired"}
    end = (now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert found(f"end_date={end}") == {"road"}              # and 90 days before an end_date alone
    middle = (now - timedelta(days=60)).astimezone(rules.SHANGHAI).isoformat(timespec="seconds")
    assert found(f"start_date={middle}&end_date={(now - timedelta(days=5)).date().isoformat()}") == {"bus"}
    newest_first = [r["service_request_id"] for r in requests_of(client, f"start_date={start}")]
    assert newest_first == [city["aired"], city["bus"], city["road"]]


@pytest.mark.parametrize("query", ["status=pending", "start_date=last-tuesday", "end_date=2026-13-01",
                                   "start_date=2026-12-01&end_date=2026-11-01", "service_request_id=",
                                   "status=open,maybe"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_parameters_answer_400_in_the_open311_error_format(client, city, query, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert errors_of(response, fmt)[0]["code"] == "400"


def errors_of(response, fmt: str) -> list[dict]:
    if fmt == "json":
        body = response.get_json()
        assert isinstance(body, list) and set(body[0]) == {"code", "description"}
        return [{"code": str(e["code"]), "description": e["description"]} for e in body]
    root = ElementTree.fromstring(response.data)
    assert root.tag == "errors"
    return [{"code": e.findtext("code"), "description": e.findtext("description")} for e in root.findall("error")]


def test_one_request_by_reference_or_id(client, city):
    response = client.get(f"/open311/v2/requests/{city['road']}.json")
    assert response.status_code == 200
    [request] = response.get_json()
    assert_fields(request, REQUEST_FIELDS)
    assert request["service_request_id"] == city["road"]
    assert client.get(f"/open311/v2/requests/{city['road_id']}.json").get_json() == [request]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_never_aired_request_is_404(client, city, fmt):
    for request_id in ("SY-1999-0001", city["pool"], "99999999999999"):
        response = client.get(f"/open311/v2/requests/{request_id}.{fmt}")
        assert response.status_code == 404
        assert errors_of(response, fmt)[0]["code"] == "404"


def xml_records(response, root: str, item: str) -> list[dict]:
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    top = ElementTree.fromstring(response.data)
    assert top.tag == root
    return [{child.tag: child.text for child in element} for element in top.findall(item)]


def as_xml_text(record: dict) -> dict:
    def text(value):
        if value is None or value == "":
            return None
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    return {name: text(value) for name, value in record.items()}


def test_xml_says_what_json_says(client, city):
    services = xml_records(client.get("/open311/v2/services.xml"), "services", "service")
    assert services == [as_xml_text(s) for s in client.get("/open311/v2/services.json").get_json()]
    requests = xml_records(client.get("/open311/v2/requests.xml"), "service_requests", "request")
    assert requests == [as_xml_text(r) for r in requests_of(client)]
    for request in requests:
        assert set(request) == set(REQUEST_FIELDS)
    one = xml_records(client.get(f"/open311/v2/requests/{city['road']}.xml"), "service_requests", "request")
    assert one == [as_xml_text(r) for r in requests_of(client, f"service_request_id={city['road']}")]


def test_english_on_request(client, city):
    found = by_id(requests_of(client, "lang=en"))
    assert found[city["road"]]["status_notes"] == "Commitments: 1 (In progress 1)"


def test_nothing_private_in_any_open311_answer(client, city):
    paths = ["services.json", "services.xml", "requests.json", "requests.xml",
             f"requests.json?service_request_id={city['road']},{city['aired']}",
             *(f"requests/{city[name]}.{fmt}" for name in ("road", "bus", "aired") for fmt in ("json", "xml"))]
    for path in paths:
        response = client.get(f"/open311/v2/{path}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        if response.is_json:
            text += json.dumps(response.get_json(), ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in text, (path, secret)
        assert f"attachments/{city['hidden']}" not in text
