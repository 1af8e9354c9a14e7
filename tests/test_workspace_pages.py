"""The department workspace: its own commitments, most urgent first; progress, evidence, claims
and extensions through page forms; nothing of another department's."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from io import BytesIO

import pytest
from sqlalchemy import func, select

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import Attachment, CommitmentStatus, ExtensionRequest, ExtensionStatus
from tracker.reminders.service import build_digests
from tracker.workspace import views

from .commitment_data import HTML, PDF, PNG, Commitments, event_count, reload, snapshot

TODAY = rules.today()


def days(n: int):
    return TODAY + timedelta(days=n)


@pytest.fixture
def commitments(make):
    return Commitments(make)


@pytest.fixture
def zjj(make):
    return make.department("ZJJ", "市住建局")


@pytest.fixture
def jtj(make):
    return make.department("JTJ", "市交通局")


@pytest.fixture
def desk(api, make, zjj):
    """A 市住建局 user's browser session and its CSRF token."""
    return api.session_login(make.user("department", department=zjj))


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def rows(page: str) -> list[int]:
    """The commitments listed, in order."""
    return [int(n) for n in re.findall(r'<tr data-commitment="(\d+)">', page)]


def tiles(page: str) -> dict[str, int]:
    """Each count tile's label and number."""
    return {label: int(value) for value, label in re.findall(
        r'<span class="stat-value">(\d+)</span><span class="stat-label">([^<]+)</span>', page)}


def post(client, url: str, data: dict, csrf: str, prefix: str):
    """Post a page form; a file is `(content, name, type)`, or what `file()` makes."""
    form = {f"{prefix}-{name}": file(*value) if isinstance(value, tuple) and isinstance(value[0], bytes) else value
            for name, value in data.items()}
    form[f"{prefix}-csrf_token"] = csrf
    return client.post(url, data=form, content_type="multipart/form-data")


def file(content: bytes, name: str = "现场照片.png", mimetype: str = "image/png"):
    return (BytesIO(content), name, mimetype)


def attachment_count() -> int:
    return db.session.scalar(select(func.count(Attachment.id))) or 0


def flashed(page: str, kind: str) -> list[str]:
    return re.findall(rf'<p class="flash flash-{kind}"[^>]*>([^<]+)</p>', page)


# --- who may come in ------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert "/login" in client.get("/dept").location
    assert "/login" in client.get("/dept/commitments/1").location


@pytest.mark.parametrize("role", ["producer", "supervisor", "admin"])
def test_other_roles_are_refused(api, make, commitments, zjj, role):
    commitment = commitments.create(zjj)
    client, _ = api.session_login(make.user(role))
    assert client.get("/dept").status_code == 403
    assert client.get(f"/dept/commitments/{commitment.id}").status_code == 403


def test_an_account_without_a_department_is_told_so(api, make):
    user = make.user("department")
    user.department_id = None
    db.session.commit()
    client, _ = api.session_login(user)

    page = client.get("/dept?lang=en")

    assert page.status_code == 200
    assert "not linked to a department" in text_of(page)


# --- the list ------------------------------------------------------------------------------

@pytest.mark.both_databases
def test_only_our_commitments_overdue_first_then_by_deadline(desk, commitments, zjj, jtj):
    later = commitments.create(zjj, deadline=days(20), content="年底前打通幸福路")
    soon = commitments.create(zjj, deadline=days(2), content="两天内清理垃圾")
    long_overdue = commitments.create(zjj, deadline=days(-10), content="上月应完成的路灯维修")
    overdue = commitments.create(zjj, deadline=days(-1), content="昨天应完成的排水改造")
    verified_past = commitments.create(zjj, deadline=days(-30), status="verified", content="早已核实的事项")
    theirs = commitments.create(jtj, deadline=days(-50), content="交通局的公交线路调整")
    client, _ = desk

    page = text_of(client.get("/dept"))

    assert "<h1>市住建局</h1>" in page
    assert rows(page) == [long_overdue.id, overdue.id, verified_past.id, soon.id, later.id]
    assert theirs.id not in rows(page) and "交通局的公交线路调整" not in page
    assert "年底前打通幸福路" in page and "李建国" in page


def test_a_row_tells_everything_at_a_glance(desk, commitments, zjj):
    commitment = commitments.create(zjj, deadline=days(-3), content="立即调查")
    commitments.pending_extension(commitment)
    commitment.deadline = days(5)  # as if an earlier extension was approved
    db.session.commit()
    client, _ = desk

    page = text_of(client.get("/dept?lang=en"))
    row = page[page.index(f'<tr data-commitment="{commitment.id}">'):]
    row = row[:row.index("</tr>")]

    assert commitment.case.ref in row and commitment.case.title in row
    assert f'href="/dept/commitments/{commitment.id}"' in row
    assert "original-deadline" in row  # the deadline said on air, after the extension
    assert 'class="badge badge-neutral extension-pending"' in row
    assert "badge badge-neutral" in row  # committed


def test_the_urgency_badges_are_the_shared_ones(desk, commitments, zjj):
    commitments.create(zjj, deadline=days(-2))
    commitments.create(zjj, deadline=days(1))
    client, _ = desk

    page = text_of(client.get("/dept"))

    assert page.count("badge badge-danger urgency-overdue") == 1
    assert page.count("badge badge-warn urgency-due-soon") == 1


def test_counts_at_the_top_are_filter_links(desk, commitments, zjj, jtj):
    commitments.create(zjj, deadline=days(-2))
    commitments.create(zjj, deadline=days(-1), status="in_progress")
    commitments.create(zjj, deadline=days(3))
    commitments.create(zjj, deadline=days(30), status="claimed_done")
    commitments.create(zjj, deadline=days(-9), status="verified")
    commitments.pending_extension(commitments.create(zjj, deadline=days(10)))
    commitments.create(jtj, deadline=days(-5))
    client, _ = desk

    page = text_of(client.get("/dept?lang=en"))
    counts = tiles(page)

    assert counts["All commitments"] == 6 and counts["Open"] == 5
    assert counts["Overdue"] == 2 and counts["Due within 3 days"] == 1
    assert counts["Awaiting verification"] == 1 and counts["Verified"] == 1
    assert counts["Extension requested"] == 1 and counts["In progress"] == 1
    for link in ["/dept?overdue=true", "/dept?due_soon=true", "/dept?status=claimed_done",
                 "/dept?extension_pending=true"]:
        assert f'href="{link}"' in page


@pytest.mark.parametrize(("query", "expected"), [
    ("overdue=true", ["overdue"]),
    ("due_soon=true", ["soon"]),
    ("status=claimed_done", ["claimed"]),
    ("extension_pending=true", ["waiting"]),
    ("status=in_progress&overdue=true", []),
    ("status=nonsense", ["overdue", "soon", "waiting", "claimed"]),  # not a choice: ignored
])
def test_each_filter_narrows_the_list(desk, commitments, zjj, query, expected):
    made = {"overdue": commitments.create(zjj, deadline=days(-1)),
            "soon": commitments.create(zjj, deadline=days(0)),
            "waiting": commitments.create(zjj, deadline=days(10)),
            "claimed": commitments.create(zjj, deadline=days(20), status="claimed_done")}
    commitments.pending_extension(made["waiting"])
    client, _ = desk

    page = text_of(client.get(f"/dept?{query}"))

    assert rows(page) == [made[name].id for name in expected]
    if not expected:
        assert 'href="/dept"' in page  # "show all"


def test_the_episode_filter_lists_our_episodes(desk, commitments, make, zjj, jtj):
    ours = make.episode(41, "聚焦城市建设")
    other = make.episode(42, "民生用电")
    not_ours = make.episode(43, "交通专场")
    first = commitments.create(zjj, episode=ours)
    second = commitments.create(zjj, episode=other)
    commitments.create(jtj, episode=not_ours)
    client, _ = desk

    page = text_of(client.get(f"/dept?episode={ours.id}"))

    assert rows(page) == [first.id]
    assert f'<option selected value="{ours.id}">' in page
    assert "交通专场" not in page
    assert rows(text_of(client.get(f"/dept?episode={other.id}"))) == [second.id]
    assert len(rows(text_of(client.get(f"/dept?episode={not_ours.id}")))) == 2  # not a choice: ignored


def test_the_list_is_paged_on_the_server(desk, commitments, zjj, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [commitments.create(zjj, deadline=days(n)) for n in (5, 1, 9, 3, 7)]
    client, _ = desk
    by_deadline = [c.id for c in sorted(made, key=lambda c: c.deadline)]

    first, third = text_of(client.get("/dept")), text_of(client.get("/dept?page=3"))

    assert rows(first) == by_deadline[:2] and rows(third) == by_deadline[4:]
    assert 'href="/dept?page=2"' in first
    assert "nothing on this page" in text_of(client.get("/dept?page=9&lang=en"))


def test_empty_states(desk, commitments, zjj):
    client, _ = desk
    assert "made no commitment on air yet" in text_of(client.get("/dept?lang=en"))
    commitments.create(zjj, deadline=days(30))
    assert "No commitment matches these filters" in text_of(client.get("/dept?overdue=true&lang=en"))


# --- the detail page ---------------------------------------------------------------------------

def test_the_detail_page_tells_the_whole_story_but_not_the_complainant(desk, commitments, zjj):
    commitment = commitments.create(zjj, deadline=days(10))
    commitment.quote = "我们保证年底前通车"
    commitment.case.location = "茅箭区幸福路"
    db.session.commit()
    client, _ = desk

    page = text_of(client.get(f"/dept/commitments/{commitment.id}"))

    for text in [commitment.case.ref, commitment.case.title, commitment.case.summary, "茅箭区幸福路",
                 commitment.episode.title, "李建国", "局长", "年底前打通幸福路", "我们保证年底前通车",
                 'class="timeline"', '<progress max="100" value="0"']:
        assert text in page
    assert "张秀兰" not in page and "13900000001" not in page and "张女士" not in page


def test_another_departments_commitment_is_not_found_and_shows_nothing(desk, commitments, jtj):
    theirs = commitments.create(jtj, content="交通局的秘密承诺", official_name="王秘密")
    client, csrf = desk
    before = snapshot(theirs.id)

    for response in [client.get(f"/dept/commitments/{theirs.id}"),
                     post(client, f"/dept/commitments/{theirs.id}/progress", {"note": "试试"}, csrf, "progress"),
                     post(client, f"/dept/commitments/{theirs.id}/claim-done", {"note": "试试"}, csrf, "done"),
                     post(client, f"/dept/commitments/{theirs.id}/evidence", {"file": file(PNG)}, csrf,
                          "evidence")]:
        assert response.status_code == 404
        page = text_of(response)
        assert "交通局的秘密承诺" not in page and "王秘密" not in page and theirs.case.title not in page
    assert client.get("/dept/commitments/999999").status_code == 404
    assert snapshot(theirs.id) == before


def test_evidence_is_listed_with_links_that_work_with_the_session(app, desk, commitments, zjj):
    commitment = commitments.create(zjj)
    photo = commitments.attachment(app, commitment, PNG, public=True)
    document = commitments.attachment(app, commitment, PDF)
    document.content_type, document.original_name = "application/pdf", "验收报告.pdf"
    db.session.commit()
    client, _ = desk

    page = text_of(client.get(f"/dept/commitments/{commitment.id}?lang=en"))

    assert f'<img class="evidence-thumb" src="/api/v1/attachments/{photo.id}"' in page
    assert f'href="/api/v1/attachments/{document.id}"' in page and "验收报告.pdf" in page
    assert page.count('class="badge badge-ok">Public<') == 1
    download = client.get(f"/api/v1/attachments/{photo.id}")
    assert download.status_code == 200 and download.mimetype == "image/png" and download.data == PNG
    download.close()


@pytest.mark.parametrize(("status", "shown", "hidden"), [
    ("committed", ["progress", "evidence", "done", "unfulfillable", "extension"], []),
    ("in_progress", ["progress", "evidence", "done", "unfulfillable", "extension"], []),
    ("claimed_done", ["evidence", "extension"], ["progress", "done", "unfulfillable"]),
    ("claimed_unfulfillable", ["evidence", "extension"], ["progress", "done", "unfulfillable"]),
    ("verified", [], ["progress", "evidence", "done", "unfulfillable", "extension"]),
    ("closed_unfulfilled", [], ["progress", "evidence", "done", "unfulfillable", "extension"]),
])
def test_only_the_forms_the_state_allows_are_shown(desk, commitments, zjj, status, shown, hidden):
    commitment = commitments.create(zjj, status=status)
    client, _ = desk

    page = text_of(client.get(f"/dept/commitments/{commitment.id}"))

    for name in shown:
        assert f'id="{name}-form"' in page, name
    for name in hidden:
        assert f'id="{name}-form"' not in page, name


def test_no_second_extension_form_while_one_waits(desk, commitments, zjj):
    commitment = commitments.create(zjj)
    commitments.pending_extension(commitment)
    client, _ = desk

    page = text_of(client.get(f"/dept/commitments/{commitment.id}"))

    assert 'id="extension-form"' not in page and "施工队伍进场延误" in page


# --- posting progress -------------------------------------------------------------------------

def test_progress_with_a_photo_starts_the_work(app, desk, commitments, zjj):
    commitment = commitments.create(zjj)
    client, csrf = desk
    url = f"/dept/commitments/{commitment.id}"

    response = post(client, f"{url}/progress", {"note": "已完成路基施工", "percent": "40",
                                                "file": file(PNG, "路基.png")}, csrf, "progress")

    assert response.status_code == 302 and response.location.endswith(url)
    changed = reload(commitment.id)
    assert changed.status is CommitmentStatus.IN_PROGRESS and changed.progress_percent == 40
    [attachment] = changed.attachments
    assert attachment.content_type == "image/png" and attachment.original_name == "路基.png"
    page = text_of(client.get(url))
    assert "已完成路基施工" in page and flashed(page, "success")
    assert "timeline-progress_reported" in page and "timeline-evidence_added" in page


def test_progress_without_a_percent_or_file_keeps_the_percent(desk, commitments, zjj):
    commitment = commitments.create(zjj, status="in_progress")
    commitment.progress_percent = 30
    db.session.commit()
    client, csrf = desk

    response = post(client, f"/dept/commitments/{commitment.id}/progress", {"note": "协调会已召开"}, csrf,
                    "progress")

    assert response.status_code == 302
    assert reload(commitment.id).progress_percent == 30 and attachment_count() == 0


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"note": "   ", "percent": "40"}, "note", "Write a note"),
    ({"note": "", "percent": "40"}, "note", "Write a note"),
    ({"note": "已施工", "percent": "150"}, "percent", "from 0 to 100"),
    ({"note": "已施工", "percent": "-1"}, "percent", "from 0 to 100"),
    ({"note": "已施工", "file": (HTML, "照片.png", "image/png")}, "file", "not a JPEG, PNG or WebP image or a PDF"),
    ({"note": "已施工", "file": (b"", "空.jpg", "image/jpeg")}, "file", "The file is empty"),
])
def test_refused_progress_changes_nothing(desk, commitments, zjj, data, field, message):
    commitment = commitments.create(zjj)
    client, csrf = desk
    before = snapshot(commitment.id)

    response = post(client, f"/dept/commitments/{commitment.id}/progress?lang=en", data, csrf, "progress")

    assert response.status_code == 422
    page = text_of(response)
    assert message.lower() in page.lower()
    assert f'id="progress-{field}" aria-invalid="true"' in page or f'aria-invalid="true" id="progress-{field}"' \
        in page or re.search(rf'<[^>]*aria-invalid="true"[^>]*id="progress-{field}"', page) \
        or re.search(rf'<[^>]*id="progress-{field}"[^>]*aria-invalid="true"', page)
    assert snapshot(commitment.id) == before and attachment_count() == 0


def test_an_oversized_file_is_refused_with_the_limit(app, desk, commitments, zjj):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    commitment = commitments.create(zjj)
    client, csrf = desk
    before = snapshot(commitment.id)

    for prefix, action, data in [("progress", "progress", {"note": "已施工"}), ("evidence", "evidence", {})]:
        data["file"] = file(PNG + b"\0" * 2048)
        response = post(client, f"/dept/commitments/{commitment.id}/{action}?lang=en", data, csrf, prefix)
        assert response.status_code == 422
        assert "larger than 1024 bytes" in text_of(response)
    assert snapshot(commitment.id) == before and attachment_count() == 0


# --- evidence alone ------------------------------------------------------------------------------

def test_evidence_alone_is_kept_whatever_its_name(desk, commitments, zjj):
    commitment = commitments.create(zjj, status="claimed_done")
    client, csrf = desk

    response = post(client, f"/dept/commitments/{commitment.id}/evidence",
                    {"file": file(PDF, "验收报告.jpg", "image/jpeg")}, csrf, "evidence")

    assert response.status_code == 302
    [attachment] = reload(commitment.id).attachments
    assert attachment.content_type == "application/pdf"
    assert reload(commitment.id).status is CommitmentStatus.CLAIMED_DONE


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose a file"),
    ({"file": (HTML, "证据.pdf", "application/pdf")}, "not a JPEG, PNG or WebP image or a PDF"),
    ({"file": (b"", "空.png", "image/png")}, "The file is empty"),
])
def test_refused_evidence_changes_nothing(desk, commitments, zjj, data, message):
    commitment = commitments.create(zjj)
    client, csrf = desk
    before = snapshot(commitment.id)

    response = post(client, f"/dept/commitments/{commitment.id}/evidence?lang=en", data, csrf, "evidence")

    assert response.status_code == 422 and message in text_of(response)
    assert snapshot(commitment.id) == before and attachment_count() == 0


# --- claims --------------------------------------------------------------------------------

@pytest.mark.parametrize(("action", "prefix", "status"), [
    ("claim-done", "done", CommitmentStatus.CLAIMED_DONE),
    ("claim-unfulfillable", "unfulfillable", CommitmentStatus.CLAIMED_UNFULFILLABLE),
])
def test_a_claim_with_a_note_moves_the_commitment(desk, commitments, zjj, action, prefix, status):
    commitment = commitments.create(zjj, status="in_progress")
    client, csrf = desk

    response = post(client, f"/dept/commitments/{commitment.id}/{action}", {"note": "道路已通车"}, csrf, prefix)

    assert response.status_code == 302
    assert reload(commitment.id).status is status
    page = text_of(client.get(response.location))
    assert flashed(page, "success") and "道路已通车" in page
    assert 'id="progress-form"' not in page


@pytest.mark.parametrize(("action", "prefix"), [("claim-done", "done"), ("claim-unfulfillable", "unfulfillable")])
def test_a_claim_without_a_note_changes_nothing(desk, commitments, zjj, action, prefix):
    commitment = commitments.create(zjj)
    client, csrf = desk
    before = snapshot(commitment.id)

    response = post(client, f"/dept/commitments/{commitment.id}/{action}?lang=en", {"note": " "}, csrf, prefix)

    assert response.status_code == 422 and "Write a note" in text_of(response)
    assert snapshot(commitment.id) == before


def test_a_form_posted_in_a_state_that_no_longer_allows_it_changes_nothing(desk, commitments, zjj):
    commitment = commitments.create(zjj, status="verified")
    client, csrf = desk
    before = snapshot(commitment.id)

    response = post(client, f"/dept/commitments/{commitment.id}/claim-done", {"note": "再报一次"}, csrf, "done")

    assert response.status_code == 302
    assert flashed(text_of(client.get(response.location)), "error")
    assert snapshot(commitment.id) == before


def test_a_form_without_its_csrf_token_is_refused(desk, commitments, zjj):
    commitment = commitments.create(zjj)
    client, _ = desk
    before = snapshot(commitment.id)

    response = client.post(f"/dept/commitments/{commitment.id}/claim-done", data={"done-note": "完成"})

    assert response.status_code in (400, 403, 422)
    assert snapshot(commitment.id) == before


# --- extensions ------------------------------------------------------------------------------

def test_an_extension_request_waits_for_a_supervisor(desk, commitments, zjj):
    commitment = commitments.create(zjj, deadline=days(3))
    client, csrf = desk

    response = post(client, f"/dept/commitments/{commitment.id}/extension",
                    {"deadline": days(20).isoformat(), "reason": "雨季施工受阻"}, csrf, "extension")

    assert response.status_code == 302
    [request] = reload(commitment.id).extension_requests
    assert request.status is ExtensionStatus.PENDING and request.requested_deadline == days(20)
    assert reload(commitment.id).deadline == days(3)
    page = text_of(client.get(response.location))
    assert "雨季施工受阻" in page and 'id="extension-form"' not in page
    assert "timeline-extension_requested" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"deadline": "CURRENT", "reason": "延期"}, "after the current deadline"),
    ({"deadline": "EARLIER", "reason": "延期"}, "after the current deadline"),
    ({"deadline": "", "reason": "延期"}, "Choose the new deadline"),
    ({"deadline": "not-a-date", "reason": "延期"}, "Not a valid date"),
    ({"deadline": "LATER", "reason": "  "}, "Say why more time is needed"),
])
def test_a_refused_extension_changes_nothing(desk, commitments, zjj, data, message):
    commitment = commitments.create(zjj, deadline=days(3))
    client, csrf = desk
    before = snapshot(commitment.id)
    dates = {"CURRENT": days(3), "EARLIER": days(1), "LATER": days(10)}
    data = {**data, "deadline": dates[data["deadline"]].isoformat() if data["deadline"] in dates else data["deadline"]}

    response = post(client, f"/dept/commitments/{commitment.id}/extension?lang=en", data, csrf, "extension")

    assert response.status_code == 422 and message in text_of(response)
    assert snapshot(commitment.id) == before
    assert db.session.scalar(select(func.count(ExtensionRequest.id))) == 0


def test_a_second_extension_request_is_refused_readably(desk, commitments, zjj):
    commitment = commitments.create(zjj, deadline=days(3))
    commitments.pending_extension(commitment)
    client, csrf = desk
    events = event_count(commitment.id)

    response = post(client, f"/dept/commitments/{commitment.id}/extension?lang=en",
                    {"deadline": days(30).isoformat(), "reason": "再延一次"}, csrf, "extension")

    assert response.status_code == 302
    assert flashed(text_of(client.get(response.location + "?lang=en")), "error")
    assert event_count(commitment.id) == events and len(reload(commitment.id).extension_requests) == 1


def test_the_workspace_shows_the_latest_reminders_each_commitment_once(desk, commitments, zjj, jtj):
    overdue = commitments.create(zjj, deadline=days(-2), content="修复幸福路路灯")
    theirs = commitments.create(jtj, deadline=days(-2), content="别人的逾期承诺")
    build_digests(days(-1))
    build_digests(TODAY)   # the overdue one is reminded twice; shown once
    client, _ = desk
    page = text_of(client.get("/dept"))
    start = page.index('id="notifications-title"')
    section = page[start:page.index("</section>", start)]
    assert section.count("修复幸福路路灯") == 1
    assert "别人的逾期承诺" not in page
    assert f'/dept/commitments/{overdue.id}"' in section and theirs.id != overdue.id


def test_no_reminders_no_section(desk):
    client, _ = desk
    assert 'id="notifications-title"' not in text_of(client.get("/dept"))
