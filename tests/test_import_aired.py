"""Importing the hotline export again: what has aired is protected, unchanged rows say so,
unknown source words and 受理时间 are kept, and files that are not exports are refused."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.test_import import (  # noqa: F401
    HEADER,
    _choose,
    _imports_folder,
    _job_id,
    _upload,
    bureaus,
    case_by_work_order,
    count_cases,
    csv_bytes,
    order,
    run_import,
    xlsx_bytes,
)
from tracker.cases.personal_data import masked
from tracker.extensions import db
from tracker.models import Case, CaseSource, CaseStatus, Commitment, Episode, RundownItem

FULL_HEADER = [*HEADER, "受理时间"]


def row(number="GD2024001", title="某小区断头路十年未通", *, received="2026-03-05 14:22:31", **fields):
    return [*order(number, title, **fields), received]


def export(*rows):
    return csv_bytes(list(rows), header=FULL_HEADER)


def first_line(result):
    return result.output.splitlines()[0]


def air(case, how):
    """Put `case` on air the way `how` says (the three ways Open311 counts a case as aired)."""
    if how == "status":
        case.status = CaseStatus.AIRED
    else:
        episode_id = _episode_id()
        if how == "taken":
            db.session.add(RundownItem(episode_id=episode_id, case_id=case.id, position=0,
                                       started_at=datetime(2026, 11, 20, 12, tzinfo=UTC)))
        else:  # a commitment was recorded for it
            db.session.add(Commitment(episode_id=episode_id, case_id=case.id, department_id=case.departments[0].id,
                                      official_name="王建国", official_title="副局长", content="年底前打通",
                                      deadline=date(2026, 12, 31), original_deadline=date(2026, 12, 31)))
    db.session.commit()


def _episode_id():
    episode = Episode(number=99, title="聚焦城市建设", air_date=date(2026, 11, 20))
    db.session.add(episode)
    db.session.commit()
    return episode.id


@pytest.fixture
def aired_case(bureaus, run_import):
    """GD2024001, imported, on air since, with the public text the audience saw."""
    assert run_import(export(row(summary="来电人陈女士反映道路不通，电话13812347777"))).exit_code == 0
    case = case_by_work_order("GD2024001")
    air(case, "status")
    return case


# ---------- cases that have been on air ----------

@pytest.mark.parametrize("how", ["status", "taken", "commitment"])
def test_a_change_to_an_aired_case_is_held_and_reported_without_confirmation(bureaus, run_import, how):
    run_import(export(row()))
    case = case_by_work_order("GD2024001")
    air(case, how)

    result = run_import(export(row(title="断头路已列入计划", departments="市城管局"), row("GD2024002")))

    assert result.exit_code == 0, result.output
    assert first_line(result) == "created: 1, updated: 0, rejected: 0, unchanged: 0, held: 1"
    held = [line for line in result.output.splitlines() if line.startswith("line 2 (held): ")]
    assert len(held) == 1 and case.ref in held[0] and "--confirm-aired" in held[0]
    assert "标题" in held[0] and "责任单位" in held[0]
    case = case_by_work_order("GD2024001")
    assert case.title == "某小区断头路十年未通" and [d.code for d in case.departments] == ["ZJJ"]


def test_confirmed_changes_apply_but_the_aired_public_text_stays(aired_case, run_import):
    public = (aired_case.public_title, aired_case.public_summary)
    assert "13812347777" not in public[1] and "陈女士" not in public[1]

    result = run_import(export(row(title="断头路已列入计划（电话13900001111）", summary="年底前打通")), "--confirm-aired")

    assert first_line(result) == "created: 0, updated: 1, rejected: 0, unchanged: 0, held: 0"
    case = case_by_work_order("GD2024001")
    assert (case.title, case.summary) == ("断头路已列入计划（电话13900001111）", "年底前打通")
    assert (case.public_title, case.public_summary) == public


def test_the_producer_may_ask_to_replace_the_aired_public_text_which_is_masked(aired_case, run_import):
    result = run_import(export(row(title="断头路已列入计划（电话13900001111）")), "--confirm-aired",
                        "--replace-public-text")

    assert first_line(result).startswith("created: 0, updated: 1,")
    case = case_by_work_order("GD2024001")
    assert case.public_title == "断头路已列入计划（电话139****1111）"
    assert case.public_summary == aired_case.public_summary  # the summary did not change: nor does its public text


def test_replacing_the_public_text_needs_the_confirmation(aired_case, run_import):
    result = run_import(export(row(title="新标题")), "--replace-public-text")

    assert result.exit_code == 2 and "--confirm-aired" in result.output
    assert case_by_work_order("GD2024001").title == "某小区断头路十年未通"


def test_a_dry_run_reports_held_rows_and_changes_nothing(aired_case, run_import):
    result = run_import(export(row(title="新标题")), "--dry-run")

    assert first_line(result) == "created: 0, updated: 0, rejected: 0, unchanged: 0, held: 1"
    assert result.output.splitlines()[-1] == "Dry run: nothing was changed."
    assert case_by_work_order("GD2024001").title == "某小区断头路十年未通"


def test_a_case_not_yet_on_air_is_updated_and_its_public_text_masked_again(bureaus, run_import):
    run_import(export(row()))

    result = run_import(export(row(title="李先生反映断头路，电话13900001111")))

    assert first_line(result) == "created: 0, updated: 1, rejected: 0, unchanged: 0, held: 0"
    case = case_by_work_order("GD2024001")
    assert case.public_title == masked("李先生反映断头路，电话13900001111")
    assert "13900001111" not in case.public_title and "李先生" not in case.public_title


# ---------- unchanged rows ----------

def test_a_row_that_changes_nothing_is_unchanged_and_leaves_the_case_alone(bureaus, run_import):
    data = export(row("A1"), row("A2"))
    run_import(data)
    before = case_by_work_order("A1").updated_at

    result = run_import(data)

    assert first_line(result) == "created: 0, updated: 0, rejected: 0, unchanged: 2, held: 0"
    assert case_by_work_order("A1").updated_at == before


def test_an_unchanged_aired_case_is_unchanged_not_held(aired_case, run_import):
    result = run_import(export(row(summary="来电人陈女士反映道路不通，电话13812347777")))

    assert first_line(result) == "created: 0, updated: 0, rejected: 0, unchanged: 1, held: 0"


# ---------- source words ----------

@pytest.mark.both_databases  # the database's CHECK constraint must know `other`
def test_an_unknown_source_word_becomes_other_with_a_warning(bureaus, run_import):
    result = run_import(export(row("A1", source="微博"), row("A2", source="其他")))

    assert result.exit_code == 0, result.output
    assert first_line(result) == "created: 2, updated: 0, rejected: 0, unchanged: 0, held: 0"
    warnings = [line for line in result.output.splitlines() if line.startswith("line 2 (warning): ")]
    assert len(warnings) == 1 and "微博" in warnings[0] and "其他" in warnings[0]
    assert "line 3 (warning)" not in result.output
    assert case_by_work_order("A1").source is CaseSource.OTHER
    assert case_by_work_order("A2").source is CaseSource.OTHER


# ---------- 受理时间 ----------

@pytest.mark.parametrize("text", ["2026-03-05 14:22:31", "2026/3/5 14:22:31", "2026年3月5日14时22分31秒",
                                  "2026-03-05T14:22:31.000"])
def test_the_time_the_hotline_took_the_call_is_imported_as_shanghai_time(bureaus, run_import, text):
    result = run_import(export(row(received=text)))

    assert first_line(result).startswith("created: 1,") and "(warning)" not in result.output
    assert case_by_work_order("GD2024001").received_at == datetime(2026, 3, 5, 6, 22, 31, tzinfo=UTC)


def test_a_received_time_from_an_excel_date_cell(bureaus, run_import):
    data = xlsx_bytes([row(received=datetime(2026, 3, 5, 14, 22))], header=FULL_HEADER)

    run_import(data, suffix=".xlsx")

    assert case_by_work_order("GD2024001").received_at == datetime(2026, 3, 5, 6, 22, tzinfo=UTC)


@pytest.mark.parametrize("text", ["昨天下午", "2026-02-30 10:00", "2099-01-01 08:00", "1900-01-00"])
def test_a_received_time_that_cannot_be_read_is_a_warning_not_a_rejection(bureaus, run_import, text):
    result = run_import(export(row(received=text)))

    assert first_line(result) == "created: 1, updated: 0, rejected: 0, unchanged: 0, held: 0"
    assert "line 2 (warning): " in result.output and text in result.output
    assert case_by_work_order("GD2024001").received_at is None


def test_a_new_received_time_updates_and_an_empty_one_keeps_it(bureaus, run_import):
    run_import(export(row()))

    assert first_line(run_import(export(row(received="")))).startswith("created: 0, updated: 0, rejected: 0, unchanged: 1")
    assert first_line(run_import(export(row(received="2026-03-06 09:00")))).startswith("created: 0, updated: 1,")
    assert case_by_work_order("GD2024001").received_at == datetime(2026, 3, 6, 1, tzinfo=UTC)


# ---------- files that are not exports ----------

HTML_TABLE = ("<html><head><meta charset='utf-8'></head><body><table><tr>"
              + "".join(f"<td>{name}</td>" for name in HEADER) + "</tr><tr>"
              + "".join(f"<td>{cell}</td>" for cell in order()) + "</tr></table></body></html>")
PROSE = ("工单编号,标题,承办单位\n"
         "请把下面的工单录入系统。\n第一件是断头路的问题，已转市住建局。\n第二件是转供电加价。\n谢谢！\n")


@pytest.mark.parametrize("data, suffix", [
    (HTML_TABLE.encode(), ".csv"),
    (("\ufeff<!DOCTYPE html>\n" + HTML_TABLE).encode("utf-8"), ".xls"),
    ('<?xml version="1.0"?><Workbook><Row><Cell>工单编号,标题,承办单位</Cell></Row></Workbook>'.encode(), ".csv"),
    ('[{"工单编号": "GD1", "标题": "断头路", "承办单位": "市住建局"}]'.encode(), ".csv"),
    (b"%PDF-1.7\n% \xe5\xb7\xa5\xe5\x8d\x95\xe7\xbc\x96\xe5\x8f\xb7,\xe6\xa0\x87\xe9\xa2\x98\n", ".csv"),
    (PROSE.encode("utf-8"), ".txt"),
], ids=["html-as-csv", "html-as-xls", "xml", "json", "pdf", "prose-with-header"])
def test_a_file_with_the_header_names_that_is_not_an_export_is_refused(bureaus, run_import, data, suffix):
    result = run_import(data, suffix=suffix)

    assert result.exit_code != 0
    assert "Error:" in result.output and "Nothing was imported." in result.output
    assert "CSV" in result.output and "Traceback" not in result.output
    assert count_cases() == 0


def test_a_tab_separated_export_named_txt_is_read_by_its_content(bureaus, run_import):
    result = run_import(csv_bytes([order()], delimiter="\t"), suffix=".txt")

    assert first_line(result).startswith("created: 1,")


# ---------- the page ----------

def _post(client, csrf, job_id, action, **extra):
    fields = ["work_order_no", "title", "summary", "location", "complainant_name", "complainant_phone",
              "departments", "category", "source", "received_at"]
    mapping = {f"column_{name}": str(index) for index, name in enumerate(fields)}
    return _choose(client, csrf, job_id, action, **mapping, **extra)


def test_the_preview_shows_an_aired_case_field_by_field_and_holds_it(app, api, make, aired_case):
    client, csrf = api.session_login(make.user("producer"))

    preview = _upload(client, csrf, export(row(title="断头路已列入计划", departments="市城管局")))
    html = preview.get_data(as_text=True)

    assert preview.status_code == 200
    assert "data-aired-changes" in html and aired_case.ref in html
    assert 'data-field="title"' in html and "<del>某小区断头路十年未通</del>" in html
    assert "<ins>断头路已列入计划</ins>" in html
    assert "<del>市住建局</del>" in html and "<ins>市城管局</ins>" in html
    assert 'data-field="public-text-kept"' in html and 'data-field="public_title"' not in html
    assert 'name="confirm_aired"' in html and 'name="replace_public_text"' in html

    done = _post(client, csrf, _job_id(html), "apply")

    assert done.status_code == 200 and "data-held-rows" in done.get_data(as_text=True)
    assert case_by_work_order("GD2024001").title == "某小区断头路十年未通"


def test_confirming_on_the_page_updates_the_aired_case_and_keeps_its_public_text(app, api, make, aired_case):
    public_title = aired_case.public_title
    client, csrf = api.session_login(make.user("producer"))
    token = _job_id(_upload(client, csrf, export(row(title="断头路已列入计划"))).get_data(as_text=True))

    again = _post(client, csrf, token, "preview", confirm_aired="y").get_data(as_text=True)
    assert "badge-warn" not in again.split("data-aired-changes")[1].split("</section>")[0]

    done = _post(client, csrf, token, "apply", confirm_aired="y")

    assert done.status_code == 200
    case = case_by_work_order("GD2024001")
    assert case.title == "断头路已列入计划" and case.public_title == public_title


def test_the_page_replaces_the_public_text_only_when_asked(app, api, make, aired_case):
    client, csrf = api.session_login(make.user("producer"))
    token = _job_id(_upload(client, csrf, export(row(title="断头路已列入计划"))).get_data(as_text=True))

    preview = _post(client, csrf, token, "preview", confirm_aired="y", replace_public_text="y").get_data(as_text=True)
    assert 'data-field="public_title"' in preview
    refused = _post(client, csrf, token, "apply", replace_public_text="y")
    assert refused.status_code == 422 and case_by_work_order("GD2024001").title == "某小区断头路十年未通"

    _post(client, csrf, token, "apply", confirm_aired="y", replace_public_text="y")

    assert case_by_work_order("GD2024001").public_title == "断头路已列入计划"


def test_a_case_that_goes_on_air_after_the_preview_is_held_at_import(app, api, make, bureaus, run_import):
    run_import(export(row()))
    client, csrf = api.session_login(make.user("producer"))
    html = _upload(client, csrf, export(row(title="断头路已列入计划"))).get_data(as_text=True)
    assert "data-aired-changes" not in html
    air(case_by_work_order("GD2024001"), "commitment")

    done = _post(client, csrf, _job_id(html), "apply")

    assert "data-held-rows" in done.get_data(as_text=True)
    assert case_by_work_order("GD2024001").title == "某小区断头路十年未通"


def test_the_page_counts_unchanged_rows_and_shows_warnings(app, api, make, bureaus, run_import):
    run_import(export(row("A1")))
    client, csrf = api.session_login(make.user("producer"))

    html = _upload(client, csrf, export(row("A1"), row("A2", source="微博", received="不详"))).get_data(as_text=True)

    assert "badge-neutral\">无变化" in html or "badge-neutral\">Unchanged" in html
    assert html.count("data-warning") == 1 and "微博" in html and "不详" in html
    done = _post(client, csrf, _job_id(html), "apply").get_data(as_text=True)
    assert "data-warned-rows" in done and "微博" in done
    assert case_by_work_order("A2").source is CaseSource.OTHER


def test_the_case_page_shows_when_the_hotline_took_the_call(app, api, make, bureaus, run_import):
    run_import(export(row(received="2026-03-05 14:22:31")))
    client, _csrf = api.session_login(make.user("producer"))

    html = client.get(f"/cases/{case_by_work_order('GD2024001').id}").get_data(as_text=True)

    assert "data-received-at>2026-03-05 14:22<" in html


def test_an_html_file_renamed_csv_is_refused_on_the_page(app, api, make, bureaus):
    client, csrf = api.session_login(make.user("producer"))

    response = _upload(client, csrf, HTML_TABLE.encode(), "12345导出.csv")

    assert response.status_code == 422 and 'type="file"' in response.get_data(as_text=True)
    assert not _imports_folder(app).exists() or not any(_imports_folder(app).iterdir())


def test_the_api_gives_the_received_time_to_staff(app, api, make, bureaus, run_import):
    run_import(export(row(received="2026-03-05 14:22:31")))
    client, _csrf = api.session_login(make.user("producer"))

    case = client.get(f"/api/v1/cases/{case_by_work_order('GD2024001').id}").get_json()

    assert case["received_at"].startswith("2026-03-05T06:22:31")
    assert db.session.scalar(select(Case.received_at)) is not None
