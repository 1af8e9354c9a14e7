"""The oversight desk: a supervisor works through the queues and decides each commitment."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import Attachment, CommitmentStatus, Episode, ExtensionStatus

from .commitment_data import JPEG, PNG, ZIP, Commitments, event_count, reload, snapshot
from .factories import PASSWORD

TODAY = rules.today()
VAGUE = "高度重视，立即调查，尽快解决"


class Browser:
    """A signed-in browser on the English interface: follows the desk's forms as a person would."""

    def __init__(self, app, user) -> None:
        self.client = app.test_client()
        response = self.client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 200
        self.csrf = response.get_json()["csrf_token"]
        self.client.get("/lang/en")

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def text(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, response.status_code
        return response.text

    def submit(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def act(self, commitment_id: int, action: str, prefix: str, fields: dict, **kwargs):
        data = {f"{prefix}-{name}": value for name, value in fields.items()}
        return self.submit(f"/oversight/commitments/{commitment_id}/{action}",
                           {f"{prefix}-csrf_token": self.csrf, **data}, **kwargs)


@pytest.fixture
def city(make):
    """Two departments, two episodes, and a commitment in each queue (and one in none)."""
    zjj, cgj = make.department("ZJJ", "市住建局"), make.department("CGJ", "市城管局")
    first, second = make.episode(41, "聚焦城市建设"), make.episode(42, "民生用电")
    made = Commitments(make)
    c = {
        "claimed": made.create(zjj, status="claimed_done", episode=first, content="年底前修复幸福路路灯12盏"),
        "unfulfillable": made.create(cgj, status="claimed_unfulfillable", episode=second, content="拆除违建一处"),
        "overdue": made.create(zjj, status="in_progress", deadline=TODAY - timedelta(days=3), episode=first,
                               content="三天内清运垃圾"),
        "due_soon": made.create(cgj, deadline=TODAY + timedelta(days=2), episode=second, content="两天内疏通下水道"),
        "later": made.create(zjj, deadline=TODAY + timedelta(days=40), episode=first, content="新建充电棚两座"),
        "vague": made.create(cgj, deadline=TODAY + timedelta(days=20), episode=first, content=VAGUE),
        "verified": made.create(zjj, status="verified", deadline=TODAY - timedelta(days=9), episode=second,
                                content="更换水管"),
    }
    c["extension"] = made.create(zjj, deadline=TODAY + timedelta(days=10), episode=second, content="铺设沥青路面")
    made.pending_extension(c["extension"], days=30)
    ids = {name: commitment.id for name, commitment in c.items()}
    return ids, made


@pytest.fixture
def supervisor(app, make):
    return Browser(app, make.user("supervisor"))


def rows(page: str) -> list[int]:
    """The commitments listed, in order."""
    return [int(n) for n in re.findall(r'<a class="row-link" href="/oversight/commitments/(\d+)"', page)]


def count_of(page: str, queue: str) -> int:
    tile = re.search(rf'data-queue-tab="{queue}">\s*<a [^>]*>\s*<span class="stat-value">(\d+)</span>', page)
    return int(tile.group(1))


def zh(app, msgid: str, **variables) -> str:
    with app.test_request_context(), force_locale("zh_CN"):
        return gettext(msgid, **variables)


# --- who gets in ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "producer", "department"])
def test_other_roles_are_refused(app, make, city, role):
    ids, _ = city
    browser = Browser(app, make.user(role))
    for path in ["/oversight", "/oversight/commitments", f"/oversight/commitments/{ids['claimed']}"]:
        assert browser.get(path).status_code == 403, path
    before = snapshot(ids["claimed"])
    response = browser.act(ids["claimed"], "verify", "verify", {"satisfaction": "satisfied"})
    assert response.status_code == 403
    assert snapshot(ids["claimed"]) == before


def test_anonymous_is_sent_to_sign_in(app, city):
    response = app.test_client().get("/oversight/commitments")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the queues --------------------------------------------------------------------------------

QUEUE_MEMBERS = {
    "verify": ["claimed"],
    "extensions": ["extension"],
    "unfulfillable": ["unfulfillable"],
    "overdue": ["overdue"],
    "due_soon": ["due_soon"],
    "vague": ["vague"],
}


@pytest.mark.both_databases
@pytest.mark.parametrize("queue", QUEUE_MEMBERS)
def test_each_queue_holds_its_commitments_and_counts_them(supervisor, city, queue):
    ids, _ = city
    page = supervisor.text(f"/oversight?queue={queue}")
    assert rows(page) == [ids[name] for name in QUEUE_MEMBERS[queue]]
    for name, members in QUEUE_MEMBERS.items():
        assert count_of(page, name) == len(members), name
    assert 'aria-current="true"' in re.search(rf'data-queue-tab="{queue}">\s*<a [^>]*>', page).group(0)


def test_the_desk_opens_on_the_claims_awaiting_verification(supervisor, city):
    ids, _ = city
    page = supervisor.text("/oversight")
    assert "<h1>Oversight</h1>" in page
    assert rows(page) == [ids["claimed"]]
    assert rows(supervisor.text("/oversight?queue=nonsense")) == [ids["claimed"]]


def test_queues_are_most_urgent_first_and_paged(supervisor, make):
    department = make.department("ZJJ")
    made = Commitments(make)
    late = [made.create(department, status="claimed_done", deadline=TODAY - timedelta(days=d)) for d in (1, 5)]
    due = [made.create(department, status="claimed_done", deadline=TODAY + timedelta(days=d)) for d in range(1, 29)]
    first = supervisor.text("/oversight?queue=verify")
    assert rows(first)[:4] == [late[1].id, late[0].id, due[0].id, due[1].id]
    assert len(rows(first)) == 25 and count_of(first, "verify") == 30
    second = supervisor.text("/oversight?queue=verify&page=2")
    assert rows(second) == [c.id for c in due[23:]]
    assert 'href="/oversight?queue=verify&amp;page=1"' in second


@pytest.mark.both_databases
def test_filters_narrow_the_queues_and_their_counts(supervisor, city):
    ids, _ = city
    page = supervisor.text("/oversight?queue=overdue&department=CGJ")
    assert rows(page) == [] and "No commitment matches these filters." in page
    assert count_of(page, "vague") == 1 and count_of(page, "verify") == 0
    episodes = {number: db.session.scalars(select(Episode).where(Episode.number == number)).one()
                for number in (41, 42)}
    page = supervisor.text(f"/oversight?queue=due_soon&episode={episodes[42].id}")
    assert rows(page) == [ids["due_soon"]] and count_of(page, "verify") == 0 and count_of(page, "extensions") == 1
    page = supervisor.text(f"/oversight?queue=vague&episode={episodes[41].id}&department=CGJ")
    assert rows(page) == [ids["vague"]]
    assert f'<option selected value="{episodes[41].id}">' in page or f'value="{episodes[41].id}" selected' in page


def test_an_unknown_filter_value_is_ignored(supervisor, city):
    ids, _ = city
    page = supervisor.text("/oversight?queue=verify&department=NOPE&episode=999999&urgency=soonish")
    assert rows(page) == [ids["claimed"]]


@pytest.mark.both_databases
def test_the_list_of_all_commitments_filters_by_status_and_urgency(supervisor, city):
    ids, _ = city
    everything = rows(supervisor.text("/oversight/commitments"))
    assert sorted(everything) == sorted(ids.values())
    assert everything[0] == ids["overdue"]  # overdue first; the verified one is not overdue
    assert rows(supervisor.text("/oversight/commitments?status=verified")) == [ids["verified"]]
    assert rows(supervisor.text("/oversight/commitments?urgency=overdue")) == [ids["overdue"]]
    assert rows(supervisor.text("/oversight/commitments?urgency=due_soon&department=CGJ")) == [ids["due_soon"]]


def test_lists_show_the_same_urgency_and_status_words(supervisor, city):
    page = supervisor.text("/oversight/commitments")
    assert '<span class="badge badge-danger urgency-overdue">Overdue by 3 days</span>' in page
    assert '<span class="badge badge-warn urgency-due-soon">Due in 2 days</span>' in page
    assert "Claimed done" in page and "Verified" in page


def test_a_vague_promise_is_flagged_with_its_reason(supervisor, city):
    ids, _ = city
    reason = reload(ids["vague"]).vague_reason
    assert reason  # 立即、尽快、高度 …: no deliverable
    page = supervisor.text("/oversight?queue=vague")
    assert "Vague promise" in page and f"Only “{reason}”" in page
    detail = supervisor.text(f"/oversight/commitments/{ids['vague']}")
    assert "vague-notice" in detail and f"Only “{reason}”" in detail
    assert "vague-notice" not in supervisor.text(f"/oversight/commitments/{ids['later']}")


def test_the_desk_speaks_chinese(app, make, city):
    browser = Browser(app, make.user("supervisor"))
    browser.get("/lang/zh_CN")
    page = browser.text("/oversight")
    for msgid in ("Awaiting verification", "Extension requests", "Vague promises", "Due within 3 days"):
        assert zh(app, msgid) in page and zh(app, msgid) != msgid


# --- a commitment's page ---------------------------------------------------------------------

def test_the_page_shows_the_case_masked_and_what_was_said(supervisor, city):
    ids, _ = city
    commitment = reload(ids["claimed"])
    page = supervisor.text(f"/oversight/commitments/{commitment.id}")
    assert commitment.case.ref in page and commitment.case.title in page
    assert "张**" in page and "139****0001" in page
    assert "张秀兰" not in page and "13900000001" not in page
    assert f'href="/cases/{commitment.case_id}"' in page
    assert "李建国 · 局长" in page and "年底前修复幸福路路灯12盏" in page and "市住建局" in page


def test_only_the_allowed_forms_are_shown(supervisor, city):
    ids, _ = city
    forms = {name: supervisor.text(f"/oversight/commitments/{ids[name]}")
             for name in ("claimed", "unfulfillable", "later", "verified", "extension")}
    assert "/verify" in forms["claimed"] and "/reopen" in forms["claimed"] and "/close" not in forms["claimed"]
    assert "/verify" not in forms["unfulfillable"] and "/reopen" in forms["unfulfillable"]
    assert "/close" in forms["unfulfillable"]
    for name in ("later", "verified"):
        assert not re.search(r"/(verify|reopen|close|extension)\"", forms[name]), name
    assert "/extension" in forms["extension"] and "Approve the extension" in forms["extension"]
    assert "施工队伍进场延误" in forms["extension"]


# --- verify ----------------------------------------------------------------------------------

def test_verify_records_the_satisfaction_and_note(supervisor, city):
    ids, _ = city
    response = supervisor.act(ids["claimed"], "verify", "verify", {"satisfaction": "basically_satisfied",
                                                                    "note": "回访：基本满意"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/oversight/commitments/{ids['claimed']}")
    commitment = reload(ids["claimed"])
    assert commitment.status is CommitmentStatus.VERIFIED and commitment.satisfaction.value == "basically_satisfied"
    assert commitment.events[-1].note == "回访：基本满意"
    page = supervisor.text(f"/oversight/commitments/{ids['claimed']}")
    assert "Verified: the commitment is done" in page and "Basically satisfied" in page


def test_verify_with_evidence_keeps_the_file_private(supervisor, city):
    ids, _ = city
    response = supervisor.act(ids["claimed"], "verify", "verify",
                              {"satisfaction": "satisfied", "evidence": (io.BytesIO(PNG), "回访记录.png")},
                              content_type="multipart/form-data")
    assert response.status_code == 302
    commitment = reload(ids["claimed"])
    assert commitment.status is CommitmentStatus.VERIFIED
    assert [(a.original_name, a.public) for a in commitment.attachments] == [("回访记录.png", False)]
    assert [e.action for e in commitment.events][-2:] == ["verified", "evidence_added"]


def test_verify_stands_when_the_file_is_refused_and_says_so(supervisor, city):
    ids, _ = city
    response = supervisor.act(ids["claimed"], "verify", "verify",
                              {"satisfaction": "satisfied", "evidence": (io.BytesIO(ZIP), "记录.png")},
                              content_type="multipart/form-data", follow_redirects=True)
    commitment = reload(ids["claimed"])
    assert commitment.status is CommitmentStatus.VERIFIED and commitment.attachments == []
    assert "The file was not kept: Only JPEG, PNG or WebP images and PDF documents are accepted." in response.text


def test_verify_without_satisfaction_is_refused_beside_the_form(supervisor, city):
    ids, _ = city
    before = snapshot(ids["claimed"])
    response = supervisor.act(ids["claimed"], "verify", "verify", {"note": "回访"})
    assert response.status_code == 422
    assert "Choose the citizen's satisfaction." in unescape(response.text)
    assert 'class="field satisfaction has-error"' in response.text and "回访</textarea>" in response.text
    assert snapshot(ids["claimed"]) == before


def test_an_action_the_state_does_not_allow_changes_nothing(supervisor, city):
    ids, _ = city
    before = snapshot(ids["later"])
    response = supervisor.act(ids["later"], "verify", "verify", {"satisfaction": "satisfied"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Not possible while the commitment is “Committed”. Nothing was changed." in response.text
    assert snapshot(ids["later"]) == before
    response = supervisor.act(ids["claimed"], "close", "close", {"note": "无法实施", "public_reason": "无法实施"},
                              follow_redirects=True)
    assert "Not possible while the commitment is “Claimed done”." in response.text
    assert reload(ids["claimed"]).status is CommitmentStatus.CLAIMED_DONE


def test_a_missing_commitment_is_404(supervisor, city):
    assert supervisor.get("/oversight/commitments/999999").status_code == 404
    assert supervisor.act(999999, "reopen", "reopen", {"note": "x"}).status_code == 404


# --- send back, close --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["claimed", "unfulfillable"])
def test_send_back_needs_a_note(supervisor, city, name):
    ids, _ = city
    before = snapshot(ids[name])
    response = supervisor.act(ids[name], "reopen", "reopen", {"note": "   "})
    assert response.status_code == 422 and "Say why: this note is required." in response.text
    assert snapshot(ids[name]) == before
    response = supervisor.act(ids[name], "reopen", "reopen", {"note": "暗访发现路灯未装"}, follow_redirects=True)
    assert "Sent back: the department is working on it again." in response.text
    commitment = reload(ids[name])
    assert commitment.status is CommitmentStatus.IN_PROGRESS and commitment.events[-1].note == "暗访发现路灯未装"


def test_close_as_unfulfilled_needs_a_note(supervisor, city):
    ids, _ = city
    before = snapshot(ids["unfulfillable"])
    assert supervisor.act(ids["unfulfillable"], "close", "close", {"note": ""}).status_code == 422
    assert snapshot(ids["unfulfillable"]) == before
    response = supervisor.act(ids["unfulfillable"], "close", "close", {"note": "涉及规划调整，确实无法实施"})
    assert response.status_code == 422 and "Give the public reason" in response.text
    assert snapshot(ids["unfulfillable"]) == before
    response = supervisor.act(ids["unfulfillable"], "close", "close",
                              {"note": "涉及规划调整，确实无法实施", "public_reason": "该路段纳入旧城改造，原方案无法实施"},
                              follow_redirects=True)
    assert "Closed as unfulfilled." in response.text
    assert reload(ids["unfulfillable"]).status is CommitmentStatus.CLOSED_UNFULFILLED


def test_a_form_without_its_csrf_token_changes_nothing(supervisor, city):
    ids, _ = city
    before = snapshot(ids["claimed"])
    response = supervisor.client.post(f"/oversight/commitments/{ids['claimed']}/reopen", data={"reopen-note": "x"})
    assert response.status_code >= 400
    assert snapshot(ids["claimed"]) == before


# --- extensions --------------------------------------------------------------------------------

def test_approving_an_extension_moves_the_deadline_and_keeps_the_original(supervisor, city):
    ids, _ = city
    old = reload(ids["extension"]).deadline
    response = supervisor.act(ids["extension"], "extension", "extension", {"note": "同意", "approve": "Approve"},
                              follow_redirects=True)
    assert "Extension approved: the deadline has moved." in response.text
    commitment = reload(ids["extension"])
    assert commitment.deadline == old + timedelta(days=30) and commitment.original_deadline == old
    assert commitment.extension_requests[0].status is ExtensionStatus.APPROVED
    assert "original-deadline" in response.text and "Approve the extension" not in response.text


def test_refusing_an_extension_keeps_the_deadline(supervisor, city):
    ids, _ = city
    old = reload(ids["extension"]).deadline
    response = supervisor.act(ids["extension"], "extension", "extension", {"reject": "Refuse"}, follow_redirects=True)
    assert "Extension refused." in response.text
    commitment = reload(ids["extension"])
    assert commitment.deadline == old and commitment.extension_requests[0].status is ExtensionStatus.REJECTED


def test_an_extension_decision_must_say_which(supervisor, city):
    ids, _ = city
    before = snapshot(ids["extension"])
    response = supervisor.act(ids["extension"], "extension", "extension", {"note": "同意"})
    assert response.status_code == 422 and "Choose whether to approve or refuse the extension." in response.text
    assert snapshot(ids["extension"]) == before


def test_deciding_an_extension_twice_changes_nothing_the_second_time(supervisor, city):
    ids, _ = city
    supervisor.act(ids["extension"], "extension", "extension", {"approve": "Approve"})
    before = snapshot(ids["extension"])
    response = supervisor.act(ids["extension"], "extension", "extension", {"reject": "Refuse"}, follow_redirects=True)
    assert "No extension request is waiting for a decision. Nothing was changed." in response.text
    assert snapshot(ids["extension"]) == before


# --- evidence ----------------------------------------------------------------------------------

def test_publish_and_withdraw_evidence(app, supervisor, city):
    ids, made = city
    attachment = made.attachment(app, reload(ids["claimed"]))
    page = supervisor.text(f"/oversight/commitments/{ids['claimed']}")
    assert "Not public" in page and f'src="/api/v1/attachments/{attachment.id}"' in page
    response = supervisor.submit(f"/oversight/attachments/{attachment.id}/public", {"public": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#evidence")
    db.session.expire_all()
    assert db.session.get(Attachment, attachment.id).public is True
    page = supervisor.text(f"/oversight/commitments/{ids['claimed']}")
    assert "现场照片.png is now shown publicly." in page and "Withdraw from public view" in page
    supervisor.submit(f"/oversight/attachments/{attachment.id}/public", {"public": "0"})
    db.session.expire_all()
    assert db.session.get(Attachment, attachment.id).public is False
    assert [e.action for e in reload(ids["claimed"]).events][-2:] == ["evidence_published", "evidence_unpublished"]


def test_add_evidence_and_refusals(supervisor, city):
    ids, _ = city
    path = f"/oversight/commitments/{ids['verified']}/evidence"
    response = supervisor.submit(path, {"evidence-csrf_token": supervisor.csrf,
                                        "evidence-file": (io.BytesIO(JPEG), "暗访.jpg")},
                                 content_type="multipart/form-data", follow_redirects=True)
    assert "Evidence added. It is not public until you publish it." in response.text
    assert [a.original_name for a in reload(ids["verified"]).attachments] == ["暗访.jpg"]
    before = snapshot(ids["verified"])
    response = supervisor.submit(path, {"evidence-csrf_token": supervisor.csrf,
                                        "evidence-file": (io.BytesIO(ZIP), "a.pdf")},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Only JPEG, PNG or WebP images and PDF documents are accepted." in response.text
    response = supervisor.submit(path, {"evidence-csrf_token": supervisor.csrf}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file." in response.text
    assert snapshot(ids["verified"]) == before


# --- the timeline ------------------------------------------------------------------------------

def test_the_timeline_shows_every_step(app, make, supervisor, city):
    ids, made = city
    commitment_id = ids["claimed"]
    supervisor.act(commitment_id, "reopen", "reopen", {"note": "暗访发现路灯未装"})
    reload(commitment_id).status = CommitmentStatus.CLAIMED_DONE
    db.session.commit()
    attachment = made.attachment(app, reload(commitment_id))
    supervisor.submit(f"/oversight/attachments/{attachment.id}/public", {"public": "1"})
    supervisor.act(commitment_id, "verify", "verify", {"satisfaction": "unsatisfied", "note": "回访不满意",
                                                       "public_reason": "路灯已装，群众认为亮度不够"})
    page = supervisor.text(f"/oversight/commitments/{commitment_id}")
    timeline = page[page.index('<ol class="timeline">'):]
    labels = re.findall(r'<p class="timeline-head">\s*<strong>([^<]+)</strong>', timeline)
    assert labels == ["Committed on air", "Sent back", "Evidence made public", "Verified – caller not satisfied"]
    assert event_count(commitment_id) == 4
    assert "暗访发现路灯未装" in timeline and "回访不满意" in timeline and "Unsatisfied" in timeline
