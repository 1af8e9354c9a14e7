"""Co-responsible departments (配合单位): the other departments of a case read its commitments,
marked so, and never act on them; they get a copy (抄送) of the assignment letter and have the
commitments in their reminder digest. Digests are composed when they are sent, and the
workspace shows none of a day still to come."""
from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from io import BytesIO

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tracker.commitments import rules
from tracker.commitments import service as commitment_service
from tracker.extensions import db
from tracker.models import AssignmentLetter, AssignmentLetterCopy, CommitmentStatus, EpisodeStatus, ReminderDigest
from tracker.reminders import service as reminders

from .commitment_data import PNG, Commitments, reload, snapshot
from .helpers import Inbox, text_of
from .servers import free_port

TODAY = rules.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def city(make):
    """A case led by 市住建局 with 市交通局 co-responsible; 市城管局 has nothing to do with it."""
    zjj, jtj, cgj = make.department("ZJJ", "市住建局"), make.department("JTJ", "市交通局"), make.department("CGJ", "市城管局")
    case = make.case("幸福路断头路", departments=[zjj, jtj])
    episode = make.episode(42, "城市建设", date(2026, 11, 27))
    return {"zjj": zjj, "jtj": jtj, "cgj": cgj, "case": case, "episode": episode}


def promise(city, content="年底前打通幸福路", deadline=None, department="zjj", case=None):
    data = {"episode_id": city["episode"].id, "case_id": (case or city["case"]).id,
            "department_code": city[department].code, "official_name": "李建国", "official_title": "局长",
            "content": content, "deadline": deadline or days(30)}
    commitment, _change = commitment_service.record(data, None)
    return commitment


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def login(api, make, department):
    return api.session_login(make.user("department", department=department))


def form_post(client, url: str, data: dict, csrf: str, prefix: str):
    form = {f"{prefix}-{name}": value for name, value in data.items()}
    form[f"{prefix}-csrf_token"] = csrf
    return client.post(url, data=form, content_type="multipart/form-data")


# --- the API ---------------------------------------------------------------------------------

def test_the_department_api_lists_them_with_the_role(api, make, city):
    commitment = promise(city)
    lead, co, stranger = (api.as_role("department", city[key]) for key in ("zjj", "jtj", "cgj"))
    supervisor = api.as_role("supervisor")

    listed = co.get("/api/v1/commitments").get_json()
    assert [(item["id"], item["responsibility"]) for item in listed["items"]] == [(commitment.id, "co_responsible")]
    assert listed["items"][0]["department_code"] == "ZJJ" and listed["items"][0]["co_departments"] == ["JTJ"]
    assert [(i["id"], i["responsibility"]) for i in lead.get("/api/v1/commitments").get_json()["items"]] == \
        [(commitment.id, "lead")]
    assert stranger.get("/api/v1/commitments").get_json() == {"items": [], "total": 0, "total_capped": False}
    assert supervisor.get("/api/v1/commitments").get_json()["items"][0]["responsibility"] is None

    assert co.get("/api/v1/commitments?responsibility=lead").get_json()["total"] == 0
    assert co.get("/api/v1/commitments?responsibility=co_responsible").get_json()["total"] == 1
    assert lead.get("/api/v1/commitments?responsibility=co_responsible").get_json()["total"] == 0
    bad = co.get("/api/v1/commitments?responsibility=boss")
    assert bad.status_code == 422 and "responsibility" in bad.get_json()["error"]["fields"]

    detail = co.get(f"/api/v1/commitments/{commitment.id}")
    assert detail.status_code == 200 and detail.get_json()["responsibility"] == "co_responsible"
    assert "timeline" in detail.get_json()
    assert stranger.get(f"/api/v1/commitments/{commitment.id}").status_code == 403


def test_the_openapi_document_describes_the_role(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    described = spec["components"]["schemas"]["CommitmentOut"]["properties"]["responsibility"]["description"]
    assert "co_responsible" in described and "403" in described
    parameters = spec["paths"]["/api/v1/commitments"]["get"]["parameters"]
    assert any(p["name"] == "responsibility" for p in parameters)


def test_a_co_department_can_read_its_evidence(app, api, make, city):
    commitment = promise(city)
    attachment = Commitments(make).attachment(app, commitment, PNG)
    co, stranger = api.as_role("department", city["jtj"]), api.as_role("department", city["cgj"])
    download = co.get(f"/api/v1/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PNG
    download.close()
    assert stranger.get(f"/api/v1/attachments/{attachment.id}").status_code == 403


WRITES = [
    ("progress", {"note": "配合单位试图上报", "percent": 50}),
    ("claim-done", {"note": "配合单位说已完成"}),
    ("claim-unfulfillable", {"note": "配合单位说做不到"}),
    ("extension", {"deadline": days(90).isoformat(), "reason": "配合单位要延期"}),
]


@pytest.mark.parametrize(("action", "body"), WRITES)
def test_every_api_write_is_refused_to_the_co_department_and_changes_nothing(api, city, action, body):
    commitment = promise(city)
    co = api.as_role("department", city["jtj"])
    before = snapshot(commitment.id)

    response = co.post(f"/api/v1/commitments/{commitment.id}/{action}", json=body)

    assert response.status_code == 403, response.get_json()
    assert response.get_json()["error"]["code"] == "forbidden"
    assert snapshot(commitment.id) == before


def test_evidence_upload_is_refused_to_the_co_department(api, city):
    commitment = promise(city)
    co = api.as_role("department", city["jtj"])
    before = snapshot(commitment.id)
    response = co.post(f"/api/v1/commitments/{commitment.id}/attachments",
                       data={"file": (BytesIO(PNG), "现场.png", "image/png")}, content_type="multipart/form-data")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert snapshot(commitment.id) == before


def test_the_lead_still_acts_and_the_supervisor_verifies(api, city):
    commitment = promise(city)
    lead, supervisor = api.as_role("department", city["zjj"]), api.as_role("supervisor")
    assert lead.post(f"/api/v1/commitments/{commitment.id}/progress", json={"note": "已开工", "percent": 40}
                     ).status_code == 200
    assert lead.post(f"/api/v1/commitments/{commitment.id}/claim-done", json={"note": "已通车"}).status_code == 200
    assert supervisor.post(f"/api/v1/commitments/{commitment.id}/verify",
                           json={"satisfaction": "satisfied"}).status_code == 200
    assert reload(commitment.id).status is CommitmentStatus.VERIFIED


# --- the workspace pages ---------------------------------------------------------------------

def test_the_workspace_shows_them_read_only_and_marked(api, make, city):
    ours = promise(city, department="jtj", content="交通局自己的承诺", case=make.case("交通局的问题", departments=[city["jtj"]]))
    theirs = promise(city, content="住建局牵头的承诺", deadline=days(-2))
    client, _csrf = login(api, make, city["jtj"])

    page = page_text(client.get("/dept"))
    main = page[page.index('id="commitments-title"'):page.index('id="supported-title"')]
    supported = page[page.index('id="supported-title"'):page.index('id="cases-title"')]
    assert re.findall(r'<tr data-commitment="(\d+)">', main) == [str(ours.id)]
    assert re.findall(r'<tr data-supported="(\d+)">', supported) == [str(theirs.id)]
    assert "住建局牵头的承诺" in supported and "市住建局" in supported and "配合" in supported
    assert "已逾期" in supported
    # The tiles count the department's own commitments.
    assert '<span class="stat-value">1</span><span class="stat-label">全部承诺</span>' in page

    detail = client.get(f"/dept/commitments/{theirs.id}")
    text = page_text(detail)
    assert detail.status_code == 200
    assert "住建局牵头的承诺" in text and "co-responsible-notice" in text and "市住建局" in text
    assert "<form" not in text.split('id="promise-title"')[1]
    for form_id in ("progress-form", "evidence-form", "done-form", "extension-form", "unfulfillable-form"):
        assert f'id="{form_id}"' not in text

    own = page_text(client.get(f"/dept/commitments/{ours.id}"))
    assert 'id="progress-form"' in own and "co-responsible-notice" not in own


def test_a_stranger_still_sees_nothing(api, make, city):
    theirs = promise(city, content="住建局牵头的承诺")
    client, _csrf = login(api, make, city["cgj"])
    assert "住建局牵头的承诺" not in page_text(client.get("/dept"))
    assert client.get(f"/dept/commitments/{theirs.id}").status_code == 404


@pytest.mark.parametrize(("path", "prefix", "data"), [
    ("progress", "progress", {"note": "配合单位试图上报", "percent": "50"}),
    ("claim-done", "done", {"note": "配合单位说已完成"}),
    ("claim-unfulfillable", "unfulfillable", {"note": "配合单位说做不到"}),
    ("extension", "extension", {"deadline": days(90).isoformat(), "reason": "配合单位要延期"}),
    ("evidence", "evidence", {"file": (BytesIO(PNG), "现场.png", "image/png")}),
])
def test_every_page_form_is_refused_to_the_co_department(api, make, city, path, prefix, data):
    commitment = promise(city)
    client, csrf = login(api, make, city["jtj"])
    before = snapshot(commitment.id)

    response = form_post(client, f"/dept/commitments/{commitment.id}/{path}", data, csrf, prefix)

    assert response.status_code == 403
    assert snapshot(commitment.id) == before


def test_the_lead_workspace_is_unaffected(api, make, city):
    commitment = promise(city)
    client, csrf = login(api, make, city["zjj"])
    page = page_text(client.get("/dept"))
    assert re.findall(r'<tr data-commitment="(\d+)">', page) == [str(commitment.id)]
    assert 'id="supported-title"' not in page
    response = form_post(client, f"/dept/commitments/{commitment.id}/progress", {"note": "已开工"}, csrf, "progress")
    assert response.status_code == 302 and reload(commitment.id).status is CommitmentStatus.IN_PROGRESS


# --- the assignment letter -------------------------------------------------------------------

@pytest.mark.both_databases
def test_the_letter_is_copied_to_the_co_departments(app, api, make, city):
    promise(city)
    city["episode"].status = EpisodeStatus.ENDED
    db.session.commit()
    supervisor, csrf = api.session_login(make.user("supervisor"))
    assert supervisor.post(f"/oversight/letters/episodes/{city['episode'].id}/issue",
                           data={"csrf_token": csrf}).status_code == 302

    letter, = db.session.scalars(select(AssignmentLetter))
    assert letter.department_id == city["zjj"].id
    assert [c["code"] for c in letter.items["cc"]] == ["JTJ"]
    assert [(c.department_id) for c in db.session.scalars(select(AssignmentLetterCopy))] == [city["jtj"].id]
    printed = page_text(supervisor.get(f"/oversight/letters/{letter.id}"))
    assert "抄送：市交通局" in printed

    co, _ = login(api, make, city["jtj"])
    listing = page_text(co.get("/dept/letters"))
    assert f"/dept/letters/{letter.id}" in listing and "抄送件（主送市住建局）" in listing
    copy = co.get(f"/dept/letters/{letter.id}")
    assert copy.status_code == 200
    assert "抄送：市交通局" in page_text(copy) and "年底前打通幸福路" in page_text(copy)

    lead, _ = login(api, make, city["zjj"])
    assert "抄送件" not in page_text(lead.get("/dept/letters"))
    assert "抄送：市交通局" in page_text(lead.get(f"/dept/letters/{letter.id}"))
    stranger, _ = login(api, make, city["cgj"])
    assert f"/dept/letters/{letter.id}" not in page_text(stranger.get("/dept/letters"))
    assert stranger.get(f"/dept/letters/{letter.id}").status_code == 404


def test_a_letter_without_co_departments_names_no_copy(api, make, city):
    promise(city, department="jtj", case=make.case("交通局的问题", departments=[city["jtj"]]))
    city["episode"].status = EpisodeStatus.ENDED
    db.session.commit()
    supervisor, csrf = api.session_login(make.user("supervisor"))
    supervisor.post(f"/oversight/letters/episodes/{city['episode'].id}/issue", data={"csrf_token": csrf})
    letter, = db.session.scalars(select(AssignmentLetter))
    assert letter.items["cc"] == [] and "letter-cc" not in page_text(supervisor.get(f"/oversight/letters/{letter.id}"))


# --- reminders -------------------------------------------------------------------------------

def remind(runner, day: date):
    return runner.invoke(args=["remind", "--date", day.isoformat()])


def digest_of(department, day: date) -> ReminderDigest:
    db.session.expire_all()
    return db.session.scalar(select(ReminderDigest).where(ReminderDigest.department_id == department.id,
                                                          ReminderDigest.day == day))


@pytest.mark.both_databases
def test_the_digest_includes_the_co_responsible_commitments_marked(runner, smtp, make, city):
    make.user("department", department=city["zjj"], email="wang@zjj.example")
    make.user("department", department=city["jtj"], email="zhao@jtj.example")
    commitment = promise(city, deadline=days(2))

    result = remind(runner, TODAY)
    assert result.exit_code == 0, result.output

    co_mail, = smtp.to("zhao@jtj.example")
    assert "年底前打通幸福路" in text_of(co_mail) and "配合，市住建局牵头" in text_of(co_mail)
    assert "Co-responsible; 市住建局 leads" in text_of(co_mail)
    lead_mail, = smtp.to("wang@zjj.example")
    assert "年底前打通幸福路" in text_of(lead_mail) and "配合" not in text_of(lead_mail)
    notes = reminders.notifications_for(city["jtj"].id, on=TODAY)
    assert [(n.commitment.id, n.kind, n.co_responsible) for n in notes] == [(commitment.id, "due_soon", True)]
    assert [n.co_responsible for n in reminders.notifications_for(city["zjj"].id, on=TODAY)] == [False]


@pytest.mark.both_databases
def test_new_is_said_once_to_each_department(runner, make, city):
    commitment = promise(city, deadline=days(40))
    assert remind(runner, TODAY).exit_code == 0   # no mail server: kept for the workspace
    assert {(d, item.kind) for d in ("zjj", "jtj") for item in digest_of(city[d], TODAY).items} == \
        {("zjj", "new"), ("jtj", "new")}
    assert remind(runner, days(1)).exit_code == 0
    assert digest_of(city["zjj"], days(1)) is None and digest_of(city["jtj"], days(1)) is None
    assert commitment.id


@pytest.mark.both_databases
def test_a_digest_built_earlier_and_sent_after_a_verify_does_not_list_it(app, runner, api, make, city):
    make.user("department", department=city["zjj"], email="wang@zjj.example")
    verified_later = promise(city, content="已核验的逾期承诺", deadline=days(-3))
    still_late = promise(city, content="仍然逾期的承诺", deadline=days(-1))
    extended = promise(city, content="获批延期的承诺", deadline=days(-2))
    app.config["SMTP_URL"] = None
    assert remind(runner, TODAY).exit_code == 0            # built now, mailed later
    assert {item.commitment_id: item.kind for item in digest_of(city["zjj"], TODAY).items}[verified_later.id] == "overdue"

    lead, supervisor = api.as_role("department", city["zjj"]), api.as_role("supervisor")
    assert lead.post(f"/api/v1/commitments/{verified_later.id}/claim-done", json={"note": "已完成"}).status_code == 200
    assert supervisor.post(f"/api/v1/commitments/{verified_later.id}/verify",
                           json={"satisfaction": "satisfied"}).status_code == 200
    assert lead.post(f"/api/v1/commitments/{extended.id}/extension",
                     json={"deadline": days(20).isoformat(), "reason": "雨季"}).status_code == 201
    assert supervisor.post(f"/api/v1/commitments/{extended.id}/extension/approve", json={}).status_code == 200

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
        result = remind(runner, TODAY)
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert "emails sent: 1" in result.output
    message, = inbox.to("wang@zjj.example")
    body = text_of(message)
    assert "已核验的逾期承诺" not in body and "仍然逾期的承诺" in body
    assert "获批延期的承诺" in body and message["Subject"].count("逾期") == 1 and "1项逾期" in message["Subject"]
    kinds = {item.commitment_id: item.kind for item in digest_of(city["zjj"], TODAY).items}
    assert kinds == {still_late.id: "overdue", extended.id: "new"}


@pytest.mark.both_databases
def test_a_digest_with_nothing_left_when_sent_is_not_mailed(app, runner, smtp, make, city):
    make.user("department", department=city["zjj"], email="wang@zjj.example")
    make.user("department", department=city["jtj"], email="zhao@jtj.example")
    commitment = promise(city, deadline=days(-3))
    app.config["SMTP_URL"], url = None, app.config["SMTP_URL"]
    assert remind(runner, TODAY).exit_code == 0
    commitment.status = CommitmentStatus.VERIFIED
    db.session.commit()
    app.config["SMTP_URL"] = url

    result = remind(runner, TODAY)

    assert result.exit_code == 0, result.output
    assert "emails sent: 0" in result.output and reminders.NOTHING_LEFT in result.output
    assert smtp.messages == []
    digest = digest_of(city["zjj"], TODAY)
    assert digest.items == [] and digest.sent_at is None and digest.error == reminders.NOTHING_LEFT


def workspace_reminders(client) -> str:
    page = page_text(client.get("/dept"))
    if 'id="notifications-title"' not in page:
        return ""
    start = page.index('id="notifications-title"')
    return page[start:page.index("</section>", start)]


def test_a_future_dated_digest_is_not_shown_in_the_workspace(api, make, city):
    promise(city, content="明天才提醒的承诺", deadline=days(3))
    reminders.build_digests(days(1))
    client, _ = login(api, make, city["zjj"])
    assert workspace_reminders(client) == ""

    reminders.build_digests(TODAY)
    shown = workspace_reminders(client)
    assert "明天才提醒的承诺" in shown and days(1).isoformat() not in shown and TODAY.isoformat() in shown


def test_the_workspace_marks_co_responsible_reminders_and_drops_closed_ones(api, make, city):
    open_one = promise(city, content="配合的逾期承诺", deadline=days(-1))
    closed = promise(city, content="已办结的承诺", deadline=days(-2))
    reminders.build_digests(TODAY)
    closed.status = CommitmentStatus.VERIFIED
    db.session.commit()
    client, _ = login(api, make, city["jtj"])

    shown = workspace_reminders(client)

    assert "配合的逾期承诺" in shown and "co-responsible" in shown
    assert f'/dept/commitments/{open_one.id}"' in shown
    assert "已办结的承诺" not in shown
    assert client.get(f"/dept/commitments/{open_one.id}").status_code == 200


def test_a_dry_run_marks_the_co_responsible_items(runner, make, city):
    commitment = promise(city, deadline=days(2))
    result = runner.invoke(args=["remind", "--date", TODAY.isoformat(), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would create JTJ" in result.output and "would create ZJJ" in result.output
    assert f"#{commitment.id} 年底前打通幸福路 ({days(2)}) [co-responsible; lead ZJJ]" in result.output
    assert db.session.scalar(select(ReminderDigest.id)) is None
