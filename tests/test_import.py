"""Importing 12345 hotline work orders: `tracker import-cases` and the upload page."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tracker.cases import import_jobs, importer
from tracker.extensions import db
from tracker.models import Case, CaseSource, CaseStatus

pytestmark = pytest.mark.both_databases  # upserts and unique work-order numbers

HEADER = ["工单编号", "标题", "诉求内容", "地址", "诉求人", "联系电话", "承办单位", "类别", "来源"]
DATA = Path(__file__).parent / "data"


def order(number="GD2024001", title="某小区断头路十年未通", departments="市住建局", *, summary="居民反映道路不通",
          location="城东路", name="张秀兰", phone="13900000001", category="城市建设", source="12345"):
    return [number, title, summary, location, name, phone, departments, category, source]


def csv_bytes(rows, *, header=HEADER, encoding="utf-8", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([header, *rows] if header else rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def count_cases():
    return db.session.scalar(select(func.count(Case.id)))


def case_by_work_order(number):
    db.session.expire_all()
    return db.session.scalar(select(Case).where(Case.work_order_no == number))


@pytest.fixture
def bureaus(make):
    return make.department("ZJJ", "市住建局"), make.department("CGJ", "市城管局"), make.department("GDGS", "供电公司")


@pytest.fixture
def run_import(runner, tmp_path):
    """Runs `tracker import-cases` on these bytes; answers the click result."""
    def run(data: bytes, *args: str, suffix: str = ".csv"):
        path = tmp_path / f"export{suffix}"
        path.write_bytes(data)
        return runner.invoke(args=["import-cases", str(path), *args])
    return run


# ---------- reading the file ----------

def test_a_utf8_csv_becomes_cases_with_their_departments_lead_first(bureaus, run_import):
    rows = [order("GD2024001", departments="市城管局、市住建局"),
            order("GD2024002", "转供电加价收费", "供电公司", source="来信", summary="物业转供电每度加价0.3元")]
    result = run_import(csv_bytes(rows))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "created: 2, updated: 0, rejected: 0, unchanged: 0, held: 0"
    case = case_by_work_order("GD2024001")
    assert case.ref.startswith("SY-") and case.status is CaseStatus.POOL
    assert [d.code for d in case.departments] == ["CGJ", "ZJJ"]
    assert (case.title, case.summary, case.location, case.category) == ("某小区断头路十年未通", "居民反映道路不通",
                                                                        "城东路", "城市建设")
    assert (case.complainant_name, case.complainant_phone, case.source) == ("张秀兰", "13900000001", CaseSource.HOTLINE)
    second = case_by_work_order("GD2024002")
    assert second.source is CaseSource.LETTER and second.ref != case.ref
    assert [d.code for d in second.departments] == ["GDGS"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(bureaus, run_import, encoding):
    result = run_import(csv_bytes([order(title="老旧小区改造进度缓慢，居民盼加装电梯")], encoding=encoding))

    assert result.exit_code == 0, result.output
    assert result.output.startswith("created: 1, updated: 0, rejected: 0")
    assert case_by_work_order("GD2024001").title == "老旧小区改造进度缓慢，居民盼加装电梯"


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_separated_files(bureaus, run_import, delimiter):
    rows = [order(summary="路灯不亮, 晚上出行不便"), order("GD2024002")]
    result = run_import(csv_bytes(rows, delimiter=delimiter))

    assert result.output.startswith("created: 2, updated: 0, rejected: 0"), result.output
    assert case_by_work_order("GD2024001").summary == "路灯不亮, 晚上出行不便"


def test_xlsx_numbers_become_the_digits_people_see(bureaus, run_import):
    rows = [order(2024000001, phone=13900000001), order(2024000002.0, phone=13900000002.0),
            order("GD-3", phone="0719-8888888")]
    result = run_import(xlsx_bytes(rows), suffix=".xlsx")

    assert result.output.startswith("created: 3, updated: 0, rejected: 0"), result.output
    assert case_by_work_order("2024000001").complainant_phone == "13900000001"
    assert case_by_work_order("2024000002").complainant_phone == "13900000002"
    assert case_by_work_order("GD-3").complainant_phone == "0719-8888888"


def test_xlsx_line_numbers_count_blank_rows_as_excel_shows_them(bureaus, run_import):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(order("A1"))
    sheet.append([])
    sheet.append(order("A2", departments="市火星局"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run_import(buffer.getvalue(), suffix=".xlsx")

    assert result.output.splitlines() == ["created: 1, updated: 0, rejected: 1, unchanged: 0, held: 0", "line 4: " + _reason(result, 4)]
    assert "市火星局" in _reason(result, 4)


def test_the_committed_sample_export_imports(bureaus, run_import):
    result = run_import((DATA / "hotline-export.csv").read_bytes())

    assert result.exit_code == 0, result.output
    assert result.output.startswith("created: 3, updated: 0, rejected: 1")
    assert "line 5: " in result.output and "市火星局" in result.output


def test_synonyms_of_the_column_names_are_recognised(bureaus, run_import):
    header = [" 工单号 ", "诉求标题", "问题描述", "事发地址", "来电人", "来电号码", "责任单位", "问题分类", "渠道"]
    result = run_import(csv_bytes([order(source="网络留言")], header=header))

    assert result.output.startswith("created: 1, updated: 0, rejected: 0"), result.output
    case = case_by_work_order("GD2024001")
    assert (case.summary, case.location, case.complainant_name, case.category) == ("居民反映道路不通", "城东路",
                                                                                   "张秀兰", "城市建设")
    assert case.source is CaseSource.ONLINE


def test_a_title_line_above_the_header_is_skipped(bureaus, run_import):
    data = csv_bytes([["某市12345热线工单导出（2026年3月）"], HEADER, order(), order("GD2024002", departments="")],
                     header=None)
    result = run_import(data)

    assert result.output.splitlines()[0] == "created: 1, updated: 0, rejected: 1, unchanged: 0, held: 0"
    assert result.output.splitlines()[1].startswith("line 4: ")


@pytest.mark.parametrize("word, source", [
    ("", CaseSource.HOTLINE), ("热线", CaseSource.HOTLINE), ("12345热线", CaseSource.HOTLINE),
    ("信件", CaseSource.LETTER), ("记者暗访", CaseSource.UNDERCOVER), ("微信", CaseSource.ONLINE),
    ("网上留言", CaseSource.ONLINE), ("演播室", CaseSource.STUDIO), ("现场提问", CaseSource.STUDIO),
])
def test_source_words_of_the_hotline_system(bureaus, run_import, word, source):
    run_import(csv_bytes([order(source=word)]))

    assert case_by_work_order("GD2024001").source is source


def test_departments_by_name_or_code_in_any_separator(bureaus, run_import):
    result = run_import(csv_bytes([order(departments="zjj；供电公司 , 市城管局\n市住建局")]))

    assert result.output.startswith("created: 1"), result.output
    assert [d.code for d in case_by_work_order("GD2024001").departments] == ["ZJJ", "GDGS", "CGJ"]


def test_any_unicode_and_hostile_text_is_kept_verbatim(bureaus, run_import):
    title = "𠀀𪚥 <script>alert('x')</script> '; DROP TABLE cases; --"
    run_import(csv_bytes([order(title=title, summary="第一行\n第二行 😀")]))

    case = case_by_work_order("GD2024001")
    assert case.title == title and case.summary == "第一行\n第二行 😀"


# ---------- updating, dry runs ----------

def test_a_work_order_seen_before_updates_its_case_and_never_duplicates_it(bureaus, run_import):
    run_import(csv_bytes([order()]))
    case = case_by_work_order("GD2024001")
    ref, case_id = case.ref, case.id
    case.status = CaseStatus.SCHEDULED
    db.session.commit()

    changed = order(title="断头路已列入计划", departments="市城管局，市住建局", source="暗访", phone="13900000009")
    result = run_import(csv_bytes([changed, order("GD2024002")]))

    assert result.output.startswith("created: 1, updated: 1, rejected: 0"), result.output
    assert count_cases() == 2
    case = case_by_work_order("GD2024001")
    assert (case.id, case.ref, case.status) == (case_id, ref, CaseStatus.SCHEDULED)
    assert (case.title, case.source, case.complainant_phone) == ("断头路已列入计划", CaseSource.UNDERCOVER, "13900000009")
    assert [d.code for d in case.departments] == ["CGJ", "ZJJ"]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(bureaus, run_import):
    data = xlsx_bytes([order("1"), order("2")])
    run_import(data, suffix=".xlsx")
    result = run_import(data, suffix=".xlsx")

    assert result.output.splitlines()[0] == "created: 0, updated: 0, rejected: 0, unchanged: 2, held: 0"
    assert count_cases() == 2


def test_a_dry_run_changes_nothing(bureaus, run_import):
    run_import(csv_bytes([order()]))
    before = count_cases()

    result = run_import(csv_bytes([order(title="新标题"), order("GD2024002"), order("GD2024003", departments="无")]),
                        "--dry-run")

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "created: 1, updated: 1, rejected: 1, unchanged: 0, held: 0"
    assert lines[-1] == "Dry run: nothing was changed."
    assert count_cases() == before
    assert case_by_work_order("GD2024001").title == "某小区断头路十年未通"


# ---------- rejected rows ----------

def _reason(result, line):
    prefix = f"line {line}: "
    return next(text[len(prefix):] for text in result.output.splitlines() if text.startswith(prefix))


def test_bad_rows_are_reported_with_their_line_and_reason_and_the_rest_is_imported(bureaus, run_import):
    rows = [
        order("A1"),                                         # line 2
        [],                                                  # line 3: blank, skipped
        order("A2", departments="市火星局、市住建局"),         # line 4
        order("A3", title=""),                               # line 5
        order("", title="没有工单编号"),                      # line 6
        order("A1", title="重复"),                            # line 7
        order("A4", title="长" * 201),                       # line 8
        order("A5", title=""),                               # line 9
        order("A6", summary="多行\n内容\n不改变行号"),          # line 10
        order("A7", departments=""),                         # line 11
        order("A8", location="地" * 201, phone="1" * 41),     # line 12
    ]
    result = run_import(csv_bytes(rows))

    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "created: 2, updated: 0, rejected: 8, unchanged: 0, held: 0"
    rejected = [int(m) for m in re.findall(r"^line (\d+): ", result.output, re.M)]
    assert rejected == [4, 5, 6, 7, 8, 9, 11, 12]
    assert "市火星局" in _reason(result, 4) and "市住建局" not in _reason(result, 4)
    assert "2" in _reason(result, 7)  # the duplicate points at the first one, on line 2
    assert "201" in _reason(result, 8) and "200" in _reason(result, 8)
    assert "地址" in _reason(result, 12) and "联系电话" in _reason(result, 12)
    assert {case.work_order_no for case in db.session.scalars(select(Case))} == {"A1", "A6"}
    assert case_by_work_order("A1").title == "某小区断头路十年未通"


def test_reasons_speak_the_default_language(bureaus, run_import):
    result = run_import(csv_bytes([order(departments="市火星局")]))

    assert _reason(result, 2) in ("未知承办单位: 市火星局", "Unknown department: 市火星局")


def test_an_inactive_department_is_refused(bureaus, run_import):
    bureaus[2].active = False
    db.session.commit()

    result = run_import(csv_bytes([order(departments="供电公司")]))

    assert result.output.startswith("created: 0, updated: 0, rejected: 1")
    assert "供电公司" in _reason(result, 2)


# ---------- files that cannot be read ----------

def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.mark.parametrize("data", [
    PNG,
    bytes(range(256)) * 8,
    _zip_without_workbook(),
    b"PK\x03\x04 not really a zip file",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
    b"",
    b"   \r\n\r\n",
], ids=["png", "random-bytes", "zip-not-xlsx", "broken-zip", "old-xls", "empty", "blank"])
def test_a_file_that_is_not_an_export_changes_nothing_and_says_so(bureaus, run_import, make, data):
    make.case()
    before = count_cases()

    result = run_import(data)

    assert result.exit_code != 0
    assert "Error:" in result.output and "Nothing was imported." in result.output
    assert "Traceback" not in result.output
    assert count_cases() == before


def test_a_damaged_workbook_changes_nothing(bureaus, run_import):
    data = xlsx_bytes([order()])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as damaged:
        for item in source.infolist():
            damaged.writestr(item, b"<not xml" if item.filename == "xl/workbook.xml" else source.read(item))

    result = run_import(buffer.getvalue(), suffix=".xlsx")

    assert result.exit_code != 0 and count_cases() == 0


@pytest.mark.parametrize("missing", ["工单编号", "标题", "承办单位"])
def test_a_missing_required_column_changes_nothing(bureaus, run_import, missing):
    header = [name if name != missing else "备注" for name in HEADER]
    result = run_import(csv_bytes([order()], header=header))

    assert result.exit_code != 0
    assert missing in result.output
    assert count_cases() == 0


def test_valid_rows_go_in_together_or_not_at_all(bureaus, run_import, monkeypatch):
    def same_ref_for_everyone(case, now=None):
        case.ref, case.ref_year, case.ref_seq = "SY-2026-0001", 2026, 1

    monkeypatch.setattr(importer, "assign_ref", same_ref_for_everyone)

    result = run_import(csv_bytes([order("A1"), order("A2"), order("A3")]))

    assert result.exit_code != 0
    assert count_cases() == 0


# ---------- the upload page ----------

def _job_id(html):
    return re.search(r'action="/cases/import/jobs/(\d+)"', html).group(1)


def _settled(client, response):
    """After an upload or a choice (303 to the job page): the job page once the job has stopped running."""
    if response.status_code != 303:
        return response
    location = response.headers["Location"]
    import_jobs.wait(int(location.rsplit("/", 1)[1]))
    return client.get(location)


def _choose(client, csrf, job_id, action, **fields):
    return _settled(client, client.post(f"/cases/import/jobs/{job_id}",
                                        data={"csrf_token": csrf, "action": action, **fields}))


def _mapping(**changes):
    fields = ["work_order_no", "title", "summary", "location", "complainant_name", "complainant_phone",
              "departments", "category", "source"]
    mapping = {f"column_{name}": str(index) for index, name in enumerate(fields)}
    mapping.update({f"column_{name}": value for name, value in changes.items()})
    return mapping


def _upload(client, csrf, data, filename="12345导出.csv"):
    """Upload a file; answers the refusal, or the job page once the preview is ready."""
    return _settled(client, client.post("/cases/import", data={"csrf_token": csrf, "file": (io.BytesIO(data), filename)},
                                        content_type="multipart/form-data"))


def _imports_folder(app):
    return Path(app.instance_path) / "imports"


def test_a_producer_uploads_previews_remaps_a_column_and_imports(app, api, make, bureaus):
    client, csrf = api.session_login(make.user("producer"))
    assert client.get("/cases/import").status_code == 200
    header = ["工单编号", "事项名称", "诉求内容", "地址", "诉求人", "联系电话", "承办单位", "类别", "来源"]
    data = csv_bytes([order("A1", "学校门口停车难"), order("A2", departments="市火星局"),
                      order("A3", "<b>电动车充电棚</b>")], header=header, encoding="gbk")

    preview = _upload(client, csrf, data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "data-job-problem" in html  # 事项名称 is not a name we know: the title has no column yet
    # (">A1<": a bare "A1" can occur by chance inside the random CSRF token)
    assert "事项名称" in html and "标题" in html and ">A1<" not in html
    job_id = _job_id(html)

    remapped = _choose(client, csrf, job_id, "preview", **_mapping())
    html = remapped.get_data(as_text=True)
    assert remapped.status_code == 200
    assert "学校门口停车难" in html and "市火星局" in html
    assert "&lt;b&gt;电动车充电棚&lt;/b&gt;" in html and "<b>电动车充电棚" not in html
    assert count_cases() == 0  # the preview is a dry run

    done = _choose(client, csrf, job_id, "apply", **_mapping())
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "/cases" in html and "市火星局" in html
    assert {case.work_order_no for case in db.session.scalars(select(Case))} == {"A1", "A3"}
    assert case_by_work_order("A1").title == "学校门口停车难"
    assert case_by_work_order("A1").created_by_id is not None
    assert not any(_imports_folder(app).iterdir())  # the upload is deleted once imported
    assert client.get(f"/cases/import/jobs/{job_id}").get_data(as_text=True) == html  # the result stays
    again = client.post(f"/cases/import/jobs/{job_id}", data={"csrf_token": csrf, "action": "apply", **_mapping()})
    assert again.status_code == 303 and count_cases() == 2  # a second click imports nothing


def test_the_preview_pre_fills_the_automatic_mapping_and_marks_updates(app, api, make, bureaus):
    make.case(work_order_no="A1")
    client, csrf = api.session_login(make.user("producer"))

    preview = _upload(client, csrf, xlsx_bytes([order("A1"), order("A2")]), "export.xlsx")

    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert re.search(r'<option selected value="1">B · 标题</option>', html)
    stored = list(_imports_folder(app).iterdir())
    assert len(stored) == 2 and all(path.is_file() for path in stored)  # the file and its note
    assert not str(stored[0]).startswith(str(Path(app.static_folder)))
    assert html.count("badge-pool") == 1 and html.count("badge-ok") == 1  # will update, will create
    assert count_cases() == 1


def test_a_file_that_is_not_an_export_is_refused_on_the_page(app, api, make, bureaus):
    client, csrf = api.session_login(make.user("producer"))

    response = _upload(client, csrf, PNG, "photo.csv")

    assert response.status_code == 422
    assert 'type="file"' in response.get_data(as_text=True)
    assert not _imports_folder(app).exists() or not any(_imports_folder(app).iterdir())


def test_the_upload_size_is_limited(app, api, make, bureaus):
    app.config["IMPORT_MAX_BYTES"] = 200
    client, csrf = api.session_login(make.user("producer"))

    response = _upload(client, csrf, csv_bytes([order(str(n)) for n in range(20)]))

    assert response.status_code == 413
    assert count_cases() == 0


def test_an_upload_without_a_file_asks_for_one(app, api, make):
    client, csrf = api.session_login(make.user("producer"))

    response = client.post("/cases/import", data={"csrf_token": csrf}, content_type="multipart/form-data")

    assert response.status_code == 422


def test_only_the_uploader_may_see_or_use_the_import(app, api, make, bureaus):
    owner, csrf = api.session_login(make.user("producer"))
    job_id = _job_id(_upload(owner, csrf, csv_bytes([order()])).get_data(as_text=True))
    other, other_csrf = api.session_login(make.user("producer"))

    response = other.post(f"/cases/import/jobs/{job_id}", data={"csrf_token": other_csrf, "action": "apply",
                                                               **_mapping()})

    assert response.status_code == 403
    assert other.get(f"/cases/import/jobs/{job_id}").status_code == 403
    assert other.get(f"/cases/import/jobs/{job_id}/status").status_code == 403
    assert "data-import-jobs" not in other.get("/cases/import").get_data(as_text=True)
    assert count_cases() == 0
    assert len(list(_imports_folder(app).iterdir())) == 2


@pytest.mark.parametrize("path", ["/cases/import/jobs/999", "/cases/import/jobs/99999999999999999999",
                                  "/cases/import/jobs/999/status"])
def test_an_unknown_import_is_not_found(app, api, make, path):
    client, _csrf = api.session_login(make.user("producer"))

    assert client.get(path).status_code == 404


def test_the_page_needs_the_csrf_token(app, api, make, bureaus):
    client, _csrf = api.session_login(make.user("producer"))

    response = _upload(client, "forged", csv_bytes([order()]))

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["department", "supervisor", "admin"])
def test_other_roles_may_not_import(app, api, make, role):
    client, csrf = api.session_login(make.user(role))

    assert client.get("/cases/import").status_code == 403
    assert _upload(client, csrf, csv_bytes([order()])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/cases/import")

    assert response.status_code == 302 and "/login" in response.headers["Location"]
