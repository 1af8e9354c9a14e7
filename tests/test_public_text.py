"""A case's public text: personal data typed into the hotline text never reaches the public.

The hotline text stays as typed for staff; the display, /live, the public pages and API,
Open311, the feeds and the exports read the public text, where phones, ID numbers, e-mail
addresses, plates and names are masked. Producers and supervisors see what was masked and may
edit the public text, which is masked again when saved.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from flask_migrate import upgrade
from openpyxl import load_workbook
from sqlalchemy import select, text

from tracker.cases.personal_data import ID_CHECK, ID_WEIGHTS, find, mask_text, valid_id_number
from tracker.extensions import db
from tracker.models import Case

from .conftest import make_app

# Compare-and-set versions, the withdrawn-row filter and SQL text search differ by database.
pytestmark = pytest.mark.both_databases


def id_number(first17: str) -> str:
    """An 18-digit ID number with a right check digit."""
    return first17 + ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


ID_1, ID_2 = id_number("42030219900101123"), id_number("11010519491231002")   # the second ends in X
HOSTILE = [
    {"title": "来电人陈女士反映小区停车难，电话13800007777",
     "summary": f"来电人陈女士（电话138-0000-7777，身份证号{ID_1}）反映：小区门口车位被占。"},
    {"title": "市民陈秀兰反映电梯停运",
     "summary": f"市民陈秀兰反映电梯停运三天，座机0719-8861234，邮箱chen.xiulan@example.com，身份证{ID_2}。"},
    {"title": "投诉人王建业称物业乱收费",
     "summary": "投诉人王建业称物业乱收费，手机１３９１２３４５６７８，车牌鄂C12345的车堵了消防通道，联系电话：8765432。"},
    {"title": "张先生反映夜间施工噪音",
     "summary": "张先生和李女士多次来电反映工地夜间施工，手机+86 137 1111 2222，邮箱zhang_x@qq.com，车牌鄂AD98765。"},
]
# Every original as typed, and the numbers as bare digits: none may appear in anything public.
ORIGINALS = ["陈女士", "13800007777", "138-0000-7777", ID_1, "陈秀兰", "0719-8861234", "8861234",
             "chen.xiulan@example.com", ID_2, "王建业", "１３９１２３４５６７８", "13912345678", "鄂C12345",
             "8765432", "张先生", "李女士", "137 1111 2222", "13711112222", "zhang_x@qq.com", "鄂AD98765"]


# --- finding and masking -----------------------------------------------------------------

@pytest.mark.parametrize(("typed", "public"), [
    ("来电人陈女士（电话13800007777）", "来电人（电话138****7777）"),
    ("市民陈秀兰反映电梯坏了", "市民反映电梯坏了"),
    ("投诉人王五称物业乱收费", "投诉人称物业乱收费"),
    ("来电人：欧阳娜娜，手机１３８００００７７７７", "来电人，手机138****7777"),
    ("张先生和李女士多次来电", "市民和市民多次来电"),
    ("座机0719-8888888", "座机*******8888"),
    ("联系电话：8765432", "联系电话：****432"),
    ("电话+86 138-0000-7777", "电话138****7777"),
    (f"身份证号{ID_1}", "身份证号42**************37"),
    (f"身份证号{ID_2}", f"身份证号11**************{ID_2[-2:]}"),
    ("邮箱chen.xl@example.com", "邮箱c******@example.com"),
    ("车牌鄂C12345被刮", "车牌鄂C*****被刮"),
    ("新能源车鄂AD12345", "新能源车鄂A******"),
])
def test_personal_data_is_masked_in_the_public_text(typed, public):
    assert mask_text(typed)[0] == public


@pytest.mark.parametrize("typed", [
    "市民反映小区断头路十年未通",              # 市民 without a name
    "市民朋友们关心的问题",
    "12345热线转来的工单",                       # the hotline's own number
    "请拨打服务热线400-123-4567咨询",            # a company number is not personal
    "工单号2024051300123456",                    # 16 digits: no ID number, no phone
    "身份证号420302199001011234",               # wrong check digit: not an ID number
    "幸福路3号楼2单元",
    "138****7777",                             # already masked
    "市民和市民多次来电",                        # a masked text read again
])
def test_text_without_personal_data_is_left_as_it_is(typed):
    assert mask_text(typed) == (typed, [])


def test_masking_twice_changes_nothing_and_never_lengthens_a_text():
    for case in HOSTILE:
        for typed in case.values():
            public = mask_text(typed)[0]
            assert mask_text(public) == (public, [])
            assert len(public) <= len(typed)


def test_the_check_digit_of_an_id_number_is_checked():
    assert valid_id_number(ID_1) and valid_id_number(ID_2) and valid_id_number(ID_2.lower())
    assert not valid_id_number(ID_1[:17] + str((int(ID_1[17]) + 1) % 10))
    assert not valid_id_number(ID_1[:17])


def test_each_finding_says_what_it_was_and_what_it_became():
    found = [(f.kind, f.original, f.replacement) for f in find(HOSTILE[0]["summary"])]
    assert found == [("name", "陈女士", ""), ("phone", "138-0000-7777", "138****7777"),
                     ("id_number", ID_1, "42**************37")]


# --- the rule on the case ----------------------------------------------------------------

def test_a_new_case_gets_its_public_text_and_keeps_its_hotline_text(make):
    case = make.case(HOSTILE[0]["title"], summary=HOSTILE[0]["summary"])
    assert case.title == HOSTILE[0]["title"] and case.summary == HOSTILE[0]["summary"]
    assert case.public_title == "来电人反映小区停车难，电话138****7777"
    assert case.public_summary == "来电人（电话138****7777，身份证号42**************37）反映：小区门口车位被占。"


def test_the_public_text_follows_the_hotline_text_until_an_editor_writes_one(make):
    case = make.case("幸福路积水", summary="市民陈秀兰反映积水")
    case.summary = "市民陈秀兰反映积水严重，电话13800007777"
    assert case.public_summary == "市民反映积水严重，电话138****7777"
    case.public_summary = "幸福路一到雨天就积水。电话13800007777"
    assert case.public_summary == "幸福路一到雨天就积水。电话138****7777"
    case.summary = "市民陈秀兰再次反映积水"
    db.session.commit()
    assert case.public_summary == "幸福路一到雨天就积水。电话138****7777"   # the editor's text stays


# --- through the API ---------------------------------------------------------------------

@pytest.fixture
def bureau(make):
    return make.department("ZJJ", "市住建局")


def post_case(client, number: int, text: dict) -> dict:
    response = client.post("/api/v1/cases", json={**text, "department_codes": ["ZJJ"],
                                                  "work_order_no": f"API-{number}", "category": "民生"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_api_answers_the_public_text_and_what_was_masked(api, bureau):
    body = post_case(api.as_role("producer"), 1, HOSTILE[1])
    assert body["summary"] == HOSTILE[1]["summary"]
    assert body["public_title"] == "市民反映电梯停运"
    assert "0719-8861234" not in body["public_summary"] and "*******1234" in body["public_summary"]
    kinds = [(item["field"], item["kind"]) for item in body["masked"]]
    assert kinds == [("title", "name"), ("summary", "name"), ("summary", "phone"), ("summary", "email"),
                     ("summary", "id_number")]
    assert body["masked"][2] == {"field": "summary", "kind": "phone", "original": "0719-8861234",
                                 "replacement": "*******1234"}


def test_a_producer_may_give_the_public_text_when_creating_and_it_is_masked_too(api, bureau):
    body = post_case(api.as_role("producer"), 2, {**HOSTILE[0], "public_title": "小区停车难（来电13800007777）",
                                                  "public_summary": "小区门口车位被占"})
    assert body["public_title"] == "小区停车难（来电138****7777）"
    assert body["public_summary"] == "小区门口车位被占"


@pytest.mark.parametrize("role", ["producer", "supervisor"])
def test_producer_and_supervisor_edit_the_public_text(api, bureau, make, role):
    case = make.case(HOSTILE[2]["title"], summary=HOSTILE[2]["summary"], departments=[bureau])
    client = api.as_role(role)
    response = client.open("PUT", f"/api/v1/cases/{case.id}/public-text",
                           json={"public_title": "物业乱收费，业主王建业不满", "public_summary": "小区物业多收停车费。"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["public_title"] == "物业乱收费，业主王建业不满"     # not introduced by a known word: kept
    assert body["public_summary"] == "小区物业多收停车费。"
    assert body["summary"] == HOSTILE[2]["summary"]


@pytest.mark.parametrize(("body", "field"), [
    ({"public_title": ""}, "public_title"),
    ({"public_title": "   "}, "public_title"),
    ({"public_title": "长" * 201}, "public_title"),
    ({"public_summary": "长" * 20001}, "public_summary"),
])
def test_a_bad_public_text_is_refused_and_changes_nothing(api, bureau, make, body, field):
    case = make.case("幸福路积水", departments=[bureau])
    response = api.as_role("supervisor").open("PUT", f"/api/v1/cases/{case.id}/public-text", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Case, case.id).public_title == "幸福路积水"


@pytest.mark.parametrize(("role", "status"), [("department", 403), ("admin", 403), (None, 401)])
def test_only_producer_and_supervisor_edit_the_public_text(api, bureau, make, role, status):
    case = make.case("幸福路积水", departments=[bureau])
    client = api.as_role(role, bureau if role == "department" else None) if role else api.anonymous
    response = client.open("PUT", f"/api/v1/cases/{case.id}/public-text", json={"public_title": "改过"})
    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Case, case.id).public_title == "幸福路积水"


def test_editing_the_public_text_of_no_case_is_404(api):
    response = api.as_role("supervisor").open("PUT", "/api/v1/cases/99999/public-text", json={"public_title": "x"})
    assert response.status_code == 404


# --- the pages ---------------------------------------------------------------------------

@pytest.fixture
def signed_in(api, make):
    """`signed_in("supervisor")`: a browser session of a new user of that role, and its CSRF token."""
    def sign_in(role, department=None):
        return api.session_login(make.user(role, department=department))
    return sign_in


def test_the_case_page_shows_the_public_text_and_what_was_masked(signed_in, make, bureau):
    case = make.case(HOSTILE[0]["title"], summary=HOSTILE[0]["summary"], departments=[bureau])
    page = signed_in("producer")[0].get(f"/cases/{case.id}").get_data(as_text=True)
    assert "来电人（电话138****7777，身份证号42**************37）反映：小区门口车位被占。" in page
    assert "138-0000-7777" in page and ID_1 in page          # staff read what was masked
    assert f'href="/cases/{case.id}/public-text"' in page


def test_a_supervisor_edits_the_public_text_on_its_page(signed_in, make, bureau):
    case = make.case(HOSTILE[1]["title"], summary=HOSTILE[1]["summary"], departments=[bureau])
    client, csrf = signed_in("supervisor")
    page = client.get(f"/cases/{case.id}/public-text").get_data(as_text=True)
    assert "chen.xiulan@example.com" in page                  # what was masked, from the hotline text
    response = client.post(f"/cases/{case.id}/public-text", data={
        "csrf_token": csrf, "public_title": "电梯停运三天", "public_summary": "居民致电13800007777求助"})
    assert response.status_code in (302, 303)
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert (saved.public_title, saved.public_summary) == ("电梯停运三天", "居民致电138****7777求助")


def test_a_blank_public_title_on_the_page_is_refused(signed_in, make, bureau):
    case = make.case("幸福路积水", departments=[bureau])
    client, csrf = signed_in("producer")
    response = client.post(f"/cases/{case.id}/public-text", data={"csrf_token": csrf, "public_title": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Case, case.id).public_title == "幸福路积水"


def test_a_department_may_not_open_the_public_text_editor(signed_in, make, bureau):
    case = make.case("幸福路积水", departments=[bureau])
    assert signed_in("department", bureau)[0].get(f"/cases/{case.id}/public-text").status_code == 403


# --- every public surface, after an import and the API -----------------------------------

def export_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([["工单编号", "标题", "诉求内容", "地址", "诉求人", "联系电话", "承办单位", "类别", "来源"], *rows])
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def aired(app, api, make, bureau, runner, tmp_path):
    """Hostile cases, half imported and half entered through the API, all on air with commitments."""
    path = tmp_path / "export.csv"
    path.write_bytes(export_csv([[f"GD-{n}", text["title"], text["summary"], "房县城关镇", "陈秀兰", "13800007777",
                                  "市住建局", "民生", "12345"] for n, text in enumerate(HOSTILE[:2])]))
    result = runner.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 0, result.output
    case_ids = list(db.session.scalars(select(Case.id).where(Case.work_order_no.in_(["GD-0", "GD-1"]))
                                       .order_by(Case.id)))
    producer = api.as_role("producer")
    case_ids += [post_case(producer, n, text)["id"] for n, text in enumerate(HOSTILE[2:])]
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦民生", "air_date": "2026-12-04"}).get_json()
    assert producer.post(f"/api/v1/episodes/{episode['id']}/start").status_code == 200
    items = [producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case_id}).get_json()["id"]
             for case_id in case_ids]
    commitments = []
    for case_id, item_id in zip(case_ids, items, strict=True):
        assert producer.post(f"/api/v1/episodes/{episode['id']}/rundown/{item_id}/take").status_code == 200
        response = producer.post("/api/v1/commitments", json={
            "episode_id": episode["id"], "case_id": case_id, "department_code": "ZJJ", "official_name": "李建国",
            "official_title": "局长", "content": "月底前解决", "deadline": "2027-01-31"})
        assert response.status_code == 201, response.get_json()
        commitments.append(response.get_json()["id"])
    # One case on air and one on standby: the display gets their summaries in full.
    assert producer.post(f"/api/v1/episodes/{episode['id']}/rundown/{items[0]}/take").status_code == 200
    assert producer.post(f"/api/v1/episodes/{episode['id']}/rundown/{items[1]}/requeue").status_code == 200
    assert producer.post(f"/api/v1/episodes/{episode['id']}/rundown/{items[1]}/standby").status_code == 200
    return episode["id"], case_ids, commitments


def assert_nothing_private(where: str, text: str) -> None:
    leaked = [original for original in ORIGINALS if original in text]
    assert not leaked, f"{where} shows {leaked}"


def public_urls(episode_id: int, case_ids: list[int], commitment_ids: list[int], refs: list[str]) -> list[str]:
    urls = ["/", "/commitments", "/commitments?q=停车", "/league", "/departments/ZJJ", f"/episodes/{episode_id}",
            f"/display/{episode_id}",
            "/api/v1/public/commitments", "/api/v1/public/commitments?q=电梯", "/api/v1/public/stats",
            "/open311/v2/services.json", "/open311/v2/services.xml", "/open311/v2/requests.json",
            "/open311/v2/requests.xml", "/feeds/updates.atom", "/feeds/departments/ZJJ.atom",
            "/commitments.csv"]
    for commitment_id in commitment_ids:
        urls += [f"/commitments/{commitment_id}", f"/api/v1/public/commitments/{commitment_id}",
                 f"/feeds/commitments/{commitment_id}.atom"]
    for ref in refs:
        urls += [f"/open311/v2/requests/{ref}.json", f"/open311/v2/requests/{ref}.xml"]
    return urls


def test_no_public_surface_and_no_live_state_shows_the_personal_data(app, client, socket_client, aired):
    episode_id, case_ids, commitment_ids = aired
    refs = [db.session.get(Case, case_id).ref for case_id in case_ids]
    for url in public_urls(episode_id, case_ids, commitment_ids, refs):
        response = client.get(url, buffered=True)
        assert response.status_code == 200, url
        assert_nothing_private(url, response.get_data(as_text=True))
    workbook = load_workbook(io.BytesIO(client.get("/commitments.xlsx", buffered=True).get_data()))
    cells = " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
    assert_nothing_private("/commitments.xlsx", cells)
    # The public text is there, masked: the surfaces do show the cases.
    requests = client.get("/open311/v2/requests.json").get_json()
    assert any("138****7777" in (request["description"] or "") for request in requests)
    assert "市民反映电梯停运" in client.get(f"/episodes/{episode_id}").get_data(as_text=True)

    display = socket_client("/live", auth={"episode": episode_id})
    [state] = [event["args"][0] for event in display.get_received("/live") if event["name"] == "state"]
    assert state["on_air"]["case"]["summary"].startswith("来电人（电话138****7777")
    assert state["standby"]["case"]["title"] == "市民反映电梯停运"
    assert_nothing_private("/live state", json.dumps(state, ensure_ascii=False))


def test_the_public_search_does_not_find_a_case_by_its_hidden_text(client, aired):
    for words in ("13800007777", "陈女士", "王建业"):
        assert client.get(f"/api/v1/public/commitments?q={words}").get_json()["total"] == 0
        assert client.get(f"/commitments.csv?q={words}", buffered=True).get_data(as_text=True).count("\n") == 1


# --- the migration -----------------------------------------------------------------------

def test_the_migration_gives_existing_cases_a_masked_public_text(empty_url, tmp_path):
    app = make_app(empty_url, tmp_path)
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO cases (id, ref, ref_year, ref_seq, title, summary, location, category, source, status, "
                "complainant_name, complainant_phone, created_at, updated_at) VALUES (1, 'SY-2026-0001', 2026, 1, "
                ":title, :summary, '', '', 'hotline', 'aired', '', '', '2026-11-01 00:00:00', '2026-11-01 00:00:00')"),
                HOSTILE[0])
        upgrade()
        with db.engine.connect() as connection:
            row = connection.execute(text("SELECT title, public_title, public_summary FROM cases")).one()
        db.engine.dispose()
    assert row.title == HOSTILE[0]["title"]
    assert row.public_title == "来电人反映小区停车难，电话138****7777"
    assert row.public_summary == mask_text(HOSTILE[0]["summary"])[0]
