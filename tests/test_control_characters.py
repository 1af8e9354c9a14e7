"""Control characters: refused where text comes in, removed where text goes out as XML, a
spreadsheet or a log line — one stored earlier must not break a feed for every reader."""
from __future__ import annotations

import io
import logging
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Case, Commitment

from .test_cases_pages import case_count, case_form, departments, signed_in  # noqa: F401 - fixtures
from .test_open311 import city, on_day  # noqa: F401 - fixtures shared with the Open311 tests

HOSTILE = "月底前\u000b打通\u0001幸福路\u001b[31m"


@pytest.mark.parametrize("title", ["断头路\u0000", "断头路\u001b[2J", "断头路\u007f", "\u0008"])
def test_the_api_refuses_control_characters_on_their_field(api, make, title):
    make.department("ZJJ", "市住建局")
    response = api.as_role("producer").post("/api/v1/cases", json={
        "title": title, "summary": "居民出行需绕行", "department_codes": ["ZJJ"]})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["title"] == ["Must not contain control characters."]
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_tab_and_line_breaks_are_text_not_control_characters(api, make):
    make.department("ZJJ", "市住建局")
    response = api.as_role("producer").post("/api/v1/cases", json={
        "title": "断头路", "summary": "第一段\r\n第二段\t附注", "department_codes": ["ZJJ"]})
    assert response.status_code == 201


def test_a_page_form_with_a_control_character_is_a_readable_422(signed_in, departments):
    client, csrf = signed_in("producer")
    response = client.post("/cases/new", data=case_form(csrf, summary="居民\u001b[31m出行"))
    assert response.status_code == 422
    assert "控制字符" in response.get_data(as_text=True)
    assert case_count() == 0


@pytest.fixture
def hostile(app, city):
    """A promise and a case title holding control characters, stored before input was checked."""
    commitment = db.session.get(Commitment, city["worked"])
    commitment.content = HOSTILE
    commitment.case.public_title = "幸福路\u0000断头路"
    db.session.commit()
    return commitment


def test_feeds_stay_well_formed_xml(client, hostile):
    for path in ("/feeds/updates.atom", f"/feeds/commitments/{hostile.id}.atom"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = ElementTree.fromstring(response.get_data()).findtext(
            "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
        assert "打通幸福路" in text and "\u001b" not in text


def test_open311_xml_stays_well_formed(client, hostile):
    response = client.get("/open311/v2/requests.xml")
    assert response.status_code == 200
    descriptions = [r.findtext("description") for r in ElementTree.fromstring(response.get_data())]
    assert any("幸福路断头路" in (d or "") for d in descriptions)


def test_the_spreadsheet_export_still_opens(client, hostile):
    response = client.get("/commitments.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert "月底前打通幸福路[31m" in cells


def test_log_lines_show_control_characters_as_escapes(app, caplog):
    with caplog.at_level(logging.WARNING):
        app.logger.warning("Unhandled error on %s %s", "GET", "/x\u001b[2J\u0000")
    assert caplog.messages[-1] == "Unhandled error on GET /x\\x1b[2J\\x00"
