"""Every answer under /api/ is in the one error shape, with the right status, and changes nothing."""
from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

HOSTILE = [
    "<script>alert('x')</script>",
    "'; DROP TABLE departments; --",
    "\"双引号\" & <b>粗体</b>",
    "𠀀𠀁 emoji 🚧🏗️ outside the BMP",
]


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) >= {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def department_count(api) -> int:
    return len(api.anonymous.get("/api/v1/departments").get_json())


def test_malformed_json_is_400_and_changes_nothing(api):
    admin = api.as_role("admin")
    response = admin.post("/api/v1/departments", data="{not json", headers={"Content-Type": "application/json"})
    assert_error(response, 400, "malformed")
    assert department_count(api) == 0


def test_missing_and_wrong_fields_are_422_with_fields(api):
    admin = api.as_role("admin")
    error = assert_error(admin.post("/api/v1/departments", json={"code": "ZJJ"}), 422, "invalid")
    assert "name" in error["fields"]
    error = assert_error(admin.post("/api/v1/departments", json={"code": "ZJJ", "name": "市住建局", "colour": "red"}),
                         422, "invalid")
    assert "colour" in error["fields"]
    error = assert_error(admin.post("/api/v1/departments", json={"code": "bad code!", "name": "市住建局"}),
                         422, "invalid")
    assert "code" in error["fields"]
    assert department_count(api) == 0


def test_a_json_array_instead_of_an_object_is_422(api):
    assert_error(api.as_role("admin").post("/api/v1/departments", json=["ZJJ"]), 422, "invalid")


def test_no_credentials_is_401(api):
    assert_error(api.anonymous.post("/api/v1/departments", json={"code": "ZJJ", "name": "x"}), 401, "unauthenticated")


def test_wrong_role_is_403_and_checked_before_the_body(api):
    producer = api.as_role("producer")
    assert_error(producer.post("/api/v1/departments", json={"code": "ZJJ", "name": "市住建局"}), 403, "forbidden")
    assert_error(producer.post("/api/v1/departments", json={}), 403, "forbidden")
    assert department_count(api) == 0


def test_unknown_path_and_id_are_404(api):
    assert_error(api.anonymous.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(api.anonymous.get("/api/v1/departments/NOPE"), 404, "not_found")


def test_wrong_method_is_405(api):
    assert_error(api.anonymous.open("DELETE", "/api/v1/health"), 405, "method_not_allowed")


def test_body_over_the_limit_is_413(app, api):
    admin = api.as_role("admin")
    body = json.dumps({"code": "ZJJ", "name": "x" * (app.config["API_MAX_JSON_BYTES"] + 10)})
    response = admin.post("/api/v1/departments", data=body, headers={"Content-Type": "application/json"})
    assert_error(response, 413, "too_large")
    assert department_count(api) == 0


def test_form_body_on_a_json_endpoint_is_415(api):
    admin = api.as_role("admin")
    response = admin.post("/api/v1/departments", data={"code": "ZJJ", "name": "市住建局"})
    assert_error(response, 415, "unsupported_media_type")
    assert department_count(api) == 0


def test_unexpected_error_is_500_without_a_trace(app):
    def explode():
        raise RuntimeError("secret internals at /srv/tracker/db.py line 42")

    app.add_url_rule("/api/v1/explode", "explode", explode)
    response = app.test_client().get("/api/v1/explode")
    error = assert_error(response, 500, "internal_error")
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert error["message"]


@pytest.mark.parametrize("text", HOSTILE)
def test_any_text_is_stored_and_returned_verbatim(api, text):
    admin = api.as_role("admin")
    created = admin.post("/api/v1/departments", json={"code": "X1", "name": text})
    assert created.status_code == 201
    assert created.get_json()["name"] == text
    assert api.anonymous.get("/api/v1/departments/X1").get_json()["name"] == text


@pytest.mark.both_databases
def test_duplicate_code_is_409(api):
    admin = api.as_role("admin")
    assert admin.post("/api/v1/departments", json={"code": "ZJJ", "name": "市住建局"}).status_code == 201
    error = assert_error(admin.post("/api/v1/departments", json={"code": "ZJJ", "name": "另一个"}), 409, "conflict")
    assert "code" in error["fields"]


def test_departments_contract(api):
    admin = api.as_role("admin")
    response = admin.post("/api/v1/departments", json={"code": "ZJJ", "name": "市住建局"})
    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "code", "name"} <= set(body)
    assert (body["code"], body["name"]) == ("ZJJ", "市住建局")
    listed = api.anonymous.get("/api/v1/departments").get_json()
    assert [d["code"] for d in listed] == ["ZJJ"]


def test_health_contract(api):
    response = api.anonymous.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "message_queue": "disabled"}


def test_health_reports_an_unreachable_message_queue(app, api):
    app.config["MESSAGE_QUEUE"] = "redis://127.0.0.1:1/0"
    response = api.anonymous.get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["message_queue"] == "error"


def test_openapi_document_is_valid_and_describes_the_api(api):
    response = api.anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    paths = document["paths"]
    assert "/api/v1/health" in paths
    assert "post" in paths["/api/v1/departments"]
    # The schema that validates the body is the one documented.
    body = paths["/api/v1/departments"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/DepartmentIn")
    schema = document["components"]["schemas"]["DepartmentIn"]
    assert set(schema["required"]) == {"code", "name"}


def test_api_answers_are_not_cached(api):
    assert api.anonymous.get("/api/v1/departments").headers["Cache-Control"] == "no-store"
