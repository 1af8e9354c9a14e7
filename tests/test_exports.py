"""CSV and XLSX exports of the public list: opened and read back, filtered as the page is."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from tracker.extensions import db
from tracker.models import Commitment
from tracker.opendata import exports

from .test_open311 import SECRETS, TODAY, city, on_day  # noqa: F401 - fixtures shared with the Open311 tests

HEADERS_ZH = ["编号", "问题编号", "问题标题", "单位", "期数", "播出日期", "承诺人", "职务", "承诺内容", "原话",
              "完成时限", "原定时限", "状态", "是否逾期", "进度（%）", "群众满意度", "最后更新（北京时间）", "公开页面",
              "是否逾期后申请延期", "现场观众：满意", "现场观众：基本满意", "现场观众：不满意"]


# buffered=True: the test client reads a streamed body inside the request's own context.
def read_csv(response) -> tuple[list[str], list[dict]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def read_xlsx(response) -> tuple[list, list[dict], object]:
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    return table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]], sheet


def ids(rows: list[dict]) -> set[int]:
    return {int(row["编号"]) for row in rows}


def test_csv_has_every_public_commitment_with_chinese_headers(client, city):
    response = client.get("/commitments.csv", buffered=True)
    assert response.headers["Content-Disposition"] == 'attachment; filename="commitments-20261210.csv"'
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    headers, rows = read_csv(response)
    assert headers == HEADERS_ZH
    assert ids(rows) == {city["worked"], city["verified"], city["given_up"]}
    worked = next(row for row in rows if int(row["编号"]) == city["worked"])
    assert worked["单位"] == "市住建局" and worked["问题标题"] == "幸福路断头路" and worked["问题编号"] == city["road"]
    assert worked["完成时限"] == (TODAY + timedelta(days=40)).isoformat()
    assert worked["原定时限"] == (TODAY + timedelta(days=20)).isoformat()
    assert worked["状态"] == "办理中" and worked["进度（%）"] == "40" and worked["是否逾期"] == "否"
    assert worked["公开页面"].endswith(f"/commitments/{city['worked']}")


def test_xlsx_reads_back_the_same_rows(client, city):
    response = client.get("/commitments.xlsx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="commitments-20261210.xlsx"'
    headers, rows, sheet = read_xlsx(response)
    assert headers == HEADERS_ZH and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["I"].width == 40
    _headers, from_csv = read_csv(client.get("/commitments.csv", buffered=True))
    assert [row["编号"] for row in rows] == [int(row["编号"]) for row in from_csv]
    worked = next(row for row in rows if row["编号"] == city["worked"])
    assert worked["完成时限"] == datetime.combine(TODAY + timedelta(days=40), datetime.min.time())
    assert worked["进度（%）"] == 40 and isinstance(worked["最后更新（北京时间）"], datetime)


@pytest.mark.parametrize("query, wanted", [
    ("department=JTJ", {"verified", "given_up"}),
    ("status=verified", {"verified"}),
    ("q=幸福路", {"worked"}),
    ("overdue=1", set()),
    ("overdue=0", {"worked", "verified", "given_up"}),
    ("department=JTJ&status=closed_unfulfilled", {"given_up"}),
    ("since=2026-11-01&until=2026-11-30", {"worked"}),
    ("since=2026-12-01", {"verified", "given_up"}),
    ("until=2026-10-31", set()),
])
@pytest.mark.both_databases
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_take_the_filters_of_the_public_list(client, city, query, wanted, kind):
    made = {"worked": date(2026, 11, 30), "verified": date(2026, 12, 1), "given_up": date(2026, 12, 9)}
    for name, day in made.items():   # 23:30 Beijing time: the Beijing day, not the UTC one, counts
        db.session.get(Commitment, city[name]).created_at = datetime(day.year, day.month, day.day, 15, 30, tzinfo=UTC)
    db.session.commit()
    response = client.get(f"/commitments.{kind}?{query}", buffered=True)
    rows = read_csv(response)[1] if kind == "csv" else read_xlsx(response)[1]
    assert ids(rows) == {city[name] for name in wanted}


def test_episode_filter(client, city, make):
    other = make.episode(title="回头看")
    commitment = db.session.get(Commitment, city["verified"])
    commitment.episode_id = other.id
    db.session.commit()
    assert ids(read_csv(client.get(f"/commitments.csv?episode={other.id}", buffered=True))[1]) == {city["verified"]}


@pytest.mark.parametrize("query", ["department=NOPE", "episode=abc", "episode=999999", "since=2026-13-01",
                                   "until=yesterday", "overdue=maybe", "status=lost", "q=" + "长" * 101])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_bad_filters_answer_a_readable_400(client, city, query, kind):
    response = client.get(f"/commitments.{kind}?{query}", buffered=True)
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_english_headers_on_request(client, city):
    headers, rows = read_csv(client.get("/commitments.csv?lang=en", buffered=True))
    assert headers[:3] == ["ID", "Case reference", "Case title"]
    assert {row["Status"] for row in rows} == {"In progress", "Verified", "Closed unfulfilled"}


def test_text_that_looks_like_a_formula_stays_text(client, city):
    db.session.get(Commitment, city["worked"]).quote = '=HYPERLINK("http://evil.example","点我")'
    db.session.commit()
    rows = read_csv(client.get("/commitments.csv", buffered=True))[1]
    worked = next(row for row in rows if int(row["编号"]) == city["worked"])
    assert worked["原话"] == "'" + '=HYPERLINK("http://evil.example","点我")'
    _headers, _rows, sheet = read_xlsx(client.get("/commitments.xlsx"))
    quotes = [row[9] for row in sheet.iter_rows(min_row=2)]
    cell = next(c for c in quotes if c.value and c.value.startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_csv_is_streamed_in_chunks_and_capped(client, city, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 1)
    response = client.get("/commitments.csv", buffered=True)
    assert "Content-Length" not in response.headers                   # streamed: its length unknown ahead
    assert len([chunk for chunk in response.response if chunk]) == 4   # headers, then one per row
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    assert len(read_csv(client.get("/commitments.csv", buffered=True))[1]) == 2
    assert len(read_xlsx(client.get("/commitments.xlsx"))[1]) == 2


def test_nothing_private_in_any_export(client, city):
    text = client.get("/commitments.csv", buffered=True).get_data(as_text=True)
    _headers, rows, _sheet = read_xlsx(client.get("/commitments.xlsx"))
    text += " ".join(str(value) for row in rows for value in row.values())
    for secret in SECRETS:
        assert secret not in text
    assert "attachments/" not in text
