"""Figures that cannot flatter: on time means verified by the deadline said on air.

An approved extension moves the deadline in force, never the one said on air; a result after
it is "met after an extension" (延期后兑现), not on time; an extension asked after the deadline
had passed is marked 逾期后申请 wherever the public sees it; verified is 100 %.

These run on the real clock: the timeline's moments (when a request was asked, when a claim was
made) are the database's, so the deadlines are set around today rather than today moved.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import CommitmentStatus
from tracker.public import stats

from .commitment_data import Commitments, reload
from .conftest import make_app
from .factories import FIRST_RELEASE_ROWS
from .test_public_pages import table_figures

LATE_BY = 12   # days after the deadline said on air that the extension is asked for


def path(commitment_id: int, action: str) -> str:
    return f"/api/v1/commitments/{commitment_id}/{action}"


@pytest.fixture
def desk(api, make):
    department = make.department("ZJJ", "市住建局")
    return department, api.as_role("department", department), api.as_role("supervisor")


def said_on_air(make, department, deadline):
    """A commitment whose deadline said on air is `deadline` (possibly gone by already)."""
    return Commitments(make).create(department, deadline=deadline)


def extend(department_client, supervisor, commitment_id: int, deadline) -> None:
    asked = department_client.post(path(commitment_id, "extension"),
                                   json={"deadline": deadline.isoformat(), "reason": "雨季无法施工"})
    assert asked.status_code == 201, asked.get_json()
    approved = supervisor.post(path(commitment_id, "extension/approve"), json={})
    assert approved.status_code == 200, approved.get_json()


def complete(department_client, supervisor, commitment_id: int, satisfaction: str = "satisfied") -> None:
    assert department_client.post(path(commitment_id, "progress"), json={"note": "施工中", "percent": 60}).status_code == 200
    assert department_client.post(path(commitment_id, "claim-done"), json={"note": "已完工"}).status_code == 200
    verified = supervisor.post(path(commitment_id, "verify"), json={"satisfaction": satisfaction})
    assert verified.status_code == 200, verified.get_json()


def stats_row(client, code: str = "ZJJ") -> dict:
    return next(row for row in client.get("/api/v1/public/stats").get_json() if row["code"] == code)


@pytest.mark.both_databases
def test_a_late_extension_never_makes_a_late_result_on_time(client, make, desk):
    department, department_client, supervisor = desk
    on_air = rules.today() - timedelta(days=LATE_BY)
    commitment = said_on_air(make, department, on_air)
    # Asked 12 days after the deadline, to a day still to come; approved; done and verified by it.
    extend(department_client, supervisor, commitment.id, rules.today() + timedelta(days=10))
    complete(department_client, supervisor, commitment.id)

    body = client.get(f"/api/v1/public/commitments/{commitment.id}").get_json()
    assert body["status"] == "verified" and body["progress_percent"] == 100
    assert body["original_deadline"] == on_air.isoformat()
    assert body["deadline"] == (rules.today() + timedelta(days=10)).isoformat()
    assert body["extension_requested_late"] is True
    approved = [e for e in body["timeline"] if e["action"] == "extension_approved"]
    assert len(approved) == 1 and approved[0]["requested_late"] is True
    assert not any(e["requested_late"] for e in body["timeline"] if e["action"] != "extension_approved")
    listed = client.get("/api/v1/public/commitments").get_json()["items"]
    assert [(i["id"], i["extension_requested_late"]) for i in listed] == [(commitment.id, True)]

    row = stats_row(client)
    assert (row["verified"], row["on_time_rate"], row["met_after_extension"], row["overdue"]) == (1, 0.0, 1, 0)


def test_the_public_page_marks_an_extension_asked_late(client, make, desk):
    department, department_client, supervisor = desk
    commitment = said_on_air(make, department, rules.today() - timedelta(days=LATE_BY))
    extend(department_client, supervisor, commitment.id, rules.today() + timedelta(days=10))

    page = client.get(f"/commitments/{commitment.id}").text
    deadline_row = re.search(r"<dt>完成时限</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    assert "逾期后申请" in deadline_row and "requested-late" in deadline_row
    approved = re.search(r'<li class="timeline-event timeline-extension_approved">(.*?)</li>', page, re.S).group(1)
    assert "逾期后申请" in approved
    assert page.count('class="badge badge-warn requested-late"') == 2
    assert "Requested late" in client.get(f"/commitments/{commitment.id}?lang=en").text
    # In the list of commitments too, beside the deadline.
    assert "逾期后申请" in client.get("/commitments").text
    # In the commitment's feed: the extension's entry says so.
    feed = client.get(f"/feeds/commitments/{commitment.id}.atom").text
    assert "逾期后申请" in feed


def test_an_extension_asked_in_time_is_not_marked(client, make, desk):
    department, department_client, supervisor = desk
    commitment = said_on_air(make, department, rules.today())   # its last day: not yet late
    extend(department_client, supervisor, commitment.id, rules.today() + timedelta(days=10))

    body = client.get(f"/api/v1/public/commitments/{commitment.id}").get_json()
    assert body["extension_requested_late"] is False
    assert [e["requested_late"] for e in body["timeline"]] == [False, False]
    assert "逾期后申请" not in client.get(f"/commitments/{commitment.id}").text


@pytest.mark.both_databases
def test_verified_by_the_deadline_said_on_air_is_on_time(client, make, desk):
    department, department_client, supervisor = desk
    plain = said_on_air(make, department, rules.today() + timedelta(days=5))
    complete(department_client, supervisor, plain.id)
    # Extended while there was time; done before the deadline said on air all the same.
    extended = said_on_air(make, department, rules.today() + timedelta(days=3))
    extend(department_client, supervisor, extended.id, rules.today() + timedelta(days=30))
    complete(department_client, supervisor, extended.id)

    row = stats_row(client)
    assert (row["verified"], row["on_time_rate"], row["met_after_extension"]) == (2, 1.0, 0)


@pytest.mark.both_databases
def test_what_is_due_and_the_closed_unfulfilled_count(client, make, desk):
    department, department_client, supervisor = desk
    on_time = said_on_air(make, department, rules.today() + timedelta(days=5))
    complete(department_client, supervisor, on_time.id)
    # Past the deadline said on air, extended in time, still being worked on: due (its on-time
    # outcome is settled: not on time) though not overdue against the extended deadline.
    extended = said_on_air(make, department, rules.today() - timedelta(days=1))
    extended.deadline = rules.today() + timedelta(days=20)
    db.session.commit()
    # Closed as unfulfilled: due, not on time, and counted in its own column.
    given_up = said_on_air(make, department, rules.today() + timedelta(days=9))
    assert department_client.post(path(given_up.id, "claim-unfulfillable"), json={"note": "涉及规划调整"}).status_code == 200
    given_up_row = reload(given_up.id)
    given_up_row.status = CommitmentStatus.CLOSED_UNFULFILLED   # as the supervisor closes it
    db.session.commit()
    # Open past the deadline in force: overdue and due.
    said_on_air(make, department, rules.today() - timedelta(days=2))
    # Still to come: not due.
    said_on_air(make, department, rules.today() + timedelta(days=9))

    row = stats_row(client)
    assert row["total"] == 5 and row["verified"] == 1
    assert row["closed_unfulfilled"] == 1 and row["overdue"] == 1
    assert row["on_time_rate"] == 0.25   # 1 on time out of 4 due
    assert row["met_after_extension"] == 0


def test_the_league_table_page_and_the_api_show_the_same_figures(client, make, desk, api):
    department, department_client, supervisor = desk
    late = said_on_air(make, department, rules.today() - timedelta(days=LATE_BY))
    extend(department_client, supervisor, late.id, rules.today() + timedelta(days=10))
    complete(department_client, supervisor, late.id)
    punctual = said_on_air(make, department, rules.today() + timedelta(days=5))
    complete(department_client, supervisor, punctual.id)
    given_up = said_on_air(make, department, rules.today() + timedelta(days=5))
    given_up.status = CommitmentStatus.CLOSED_UNFULFILLED
    db.session.commit()

    rows = client.get("/api/v1/public/stats").get_json()
    assert rows == [{"code": "ZJJ", "name": "市住建局", "total": 3, "verified": 2, "on_time_rate": 0.3333,
                     "met_after_extension": 1, "overdue": 0, "closed_unfulfilled": 1,
                     "median_days_to_verification": 0, "satisfaction": 1.0, "audience_satisfaction": None}]
    page = client.get("/league").text
    shown = table_figures(page)["ZJJ"]
    assert shown["on_time_rate"] == "33%"
    assert shown["met_after_extension"] == "1" and shown["closed_unfulfilled"] == "1"
    assert ">延期后兑现<" in page and ">以未兑现办结<" in page
    # The rule is said under the table, in both languages.
    assert re.search(r'</table>\s*</div>\s*<p class="table-note on-time-rule">按期是指在节目中承诺的期限内', page)
    english = client.get("/league?lang=en").text
    assert "On time means verified by the deadline said on air." in english
    assert "met after an extension, not on time" in english
    # The start page's table has the columns and the line too; its headline rate is the same.
    start = client.get("/").text
    assert table_figures(start)["ZJJ"]["met_after_extension"] == "1" and "on-time-rule" in start
    assert stats.combined(stats.department_records())["on_time_rate"] == 0.3333
    # Sorting by the new columns works; fewest first on the first click.
    assert 'href="/league?sort=met_after_extension"' in page and 'href="/league?sort=closed_unfulfilled"' in page
    assert client.get("/league?sort=-closed_unfulfilled").status_code == 200


def test_verification_sets_the_progress_to_100_everywhere(client, make, desk):
    department, department_client, supervisor = desk
    commitment = said_on_air(make, department, rules.today() + timedelta(days=5))
    complete(department_client, supervisor, commitment.id)   # last report: 60 %

    assert reload(commitment.id).progress_percent == 100
    detail = supervisor.get(f"/api/v1/commitments/{commitment.id}").get_json()
    assert detail["progress_percent"] == 100
    assert detail["timeline"][-1]["before"]["progress_percent"] == 60
    assert detail["timeline"][-1]["after"]["progress_percent"] == 100
    assert client.get(f"/api/v1/public/commitments/{commitment.id}").get_json()["progress_percent"] == 100
    assert client.get("/api/v1/public/commitments").get_json()["items"][0]["progress_percent"] == 100
    page = client.get(f"/commitments/{commitment.id}").text
    assert '<progress max="100" value="100"' in page
    data = client.get("/commitments.csv", buffered=True).get_data().decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(data, newline="")))
    assert [(row["编号"], row["进度（%）"], row["是否逾期后申请延期"]) for row in table] == [(str(commitment.id), "100", "否")]


def test_the_export_marks_an_extension_asked_late(client, make, desk):
    department, department_client, supervisor = desk
    commitment = said_on_air(make, department, rules.today() - timedelta(days=LATE_BY))
    extend(department_client, supervisor, commitment.id, rules.today() + timedelta(days=10))
    data = client.get("/commitments.csv", buffered=True).get_data().decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(data, newline="")))
    assert row["原定时限"] == (rules.today() - timedelta(days=LATE_BY)).isoformat()
    assert row["是否逾期后申请延期"] == "是"


# Commitments as revision 0005 left them: one verified at the last reported 60 %, one extended
# (its deadline said on air kept apart), one still being worked on at 40 %.
BEFORE_0006_ROWS = [
    "INSERT INTO commitments (id, episode_id, case_id, department_id, official_name, official_title, content, "
    "quote, deadline, original_deadline, status, progress_percent, created_at, updated_at) VALUES "
    "(2, 1, 1, 1, '王建国', '副局长', '月底前恢复供水', '', '2026-12-01', '2026-12-01', 'verified', 60, "
    "'2026-11-05 12:00:00', '2026-11-05 12:00:00'), "
    "(3, 1, 1, 1, '王建国', '副局长', '年底前更换管网', '', '2027-01-31', '2026-12-15', 'in_progress', 40, "
    "'2026-11-05 12:00:00', '2026-11-05 12:00:00')",
]


def test_the_migration_brings_verified_commitments_to_100_and_keeps_the_deadline_said_on_air(empty_url, tmp_path):
    app = make_app(empty_url, tmp_path)
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            for statement in FIRST_RELEASE_ROWS + BEFORE_0006_ROWS:
                connection.execute(text(statement))
        upgrade(revision="0005")
        upgrade(revision="0006")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, status, progress_percent, deadline, original_deadline "
                                           "FROM commitments ORDER BY id")).all()
        db.engine.dispose()
    shown = [(r[0], r[1], r[2], str(r[3]), str(r[4])) for r in rows]
    assert shown == [(1, "committed", 0, "2026-12-01", "2026-12-01"),
                     (2, "verified", 100, "2026-12-01", "2026-12-01"),
                     (3, "in_progress", 40, "2027-01-31", "2026-12-15")]


def test_the_api_description_tells_the_on_time_rule_and_the_new_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    stats_fields = schemas["DepartmentStatsOut"]["properties"]
    assert {"met_after_extension", "closed_unfulfilled", "on_time_rate"} <= set(stats_fields)
    assert "deadline said on air" in stats_fields["on_time_rate"]["description"]
    commitment = schemas["PublicCommitmentOut"]["properties"]
    assert commitment["extension_requested_late"]["type"] == "boolean"
    assert "requested_late" in schemas["PublicCommitmentDetailOut"]["properties"]["timeline"]["description"]
    assert "`met_after_extension`" in document["info"]["description"]
