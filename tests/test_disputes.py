"""The citizen's voice: a follower of a verified commitment says it is not resolved
(群众反映未解决), by a signed link mailed to their confirmed address; a supervisor reopens it
or answers, publicly; followers hear the outcome."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import CommitmentStatus, Dispute, DisputeStatus

from .commitment_data import Commitments, reload, snapshot
from .test_oversight_pages import Browser
from .voice_data import BASE, MASKED_PHONE, PHONE, follower, mails, page_csrf, path, verify

pytestmark = pytest.mark.both_databases  # the unique index on open disputes

EMAIL = "wang@example.com"
STATEMENT = f"路灯还是不亮，晚上一片漆黑。联系我：{PHONE}"
LINK = re.compile(re.escape(BASE) + r"/dispute/([A-Za-z0-9_.-]+)")


@pytest.fixture
def city(api, make, app):
    """A verified commitment of 市住建局 with a confirmed follower, an unconfirmed one, and one
    who stopped following; a commitment still in progress."""
    app.config.update(BASE_URL=BASE)
    department = make.department("ZJJ", "市住建局")
    commitments = Commitments(make)
    dept, supervisor = api.as_role("department", department), api.as_role("supervisor")
    done = commitments.create(department, content="月底前修复幸福路路灯")
    follower(done.id, EMAIL)
    follower(done.id, "unconfirmed@example.com", confirmed=False)
    follower(done.id, "gone@example.com", unsubscribed=True)
    verify(supervisor, dept, done.id)
    working = commitments.create(department, content="年底前打通断头路")
    follower(working.id, EMAIL)
    return {"done": done.id, "working": working.id, "dept": dept, "supervisor": supervisor, "department": department}


def ask_link(client, commitment_id: int, email: str):
    return client.post(f"/commitments/{commitment_id}/dispute",
                       data={"email": email, "csrf_token": page_csrf(client)})


def link_for(commitment_id: int, client, email: str = EMAIL) -> str:
    before = len(mails("dispute_link"))
    assert ask_link(client, commitment_id, email).status_code == 200
    sent = mails("dispute_link")
    assert len(sent) == before + 1 and sent[-1].recipient == email
    return "/dispute/" + LINK.search(sent[-1].text_body).group(1)


def raise_dispute(client, link: str, statement: str = STATEMENT):
    return client.post(link, data={"statement": statement, "csrf_token": page_csrf(client)})


def disputes() -> list[Dispute]:
    db.session.expire_all()
    return list(db.session.scalars(select(Dispute).order_by(Dispute.id)))


# --- the link ---------------------------------------------------------------------------------

def test_only_a_confirmed_active_follower_gets_a_link(city, client):
    page = client.get(f"/commitments/{city['done']}").text
    assert f'action="/commitments/{city["done"]}/dispute"' in page
    answers = set()
    for email in ("unconfirmed@example.com", "gone@example.com", "stranger@example.com"):
        response = ask_link(client, city["done"], email)
        assert response.status_code == 200
        answers.add(response.text.split('role="status">')[1].split("<")[0])
    assert mails("dispute_link") == []
    link = link_for(city["done"], client)
    assert len(answers) == 1   # the same answer: nobody learns who follows what
    assert "群众反映未解决" in client.get(link).text


def test_no_link_for_a_commitment_that_is_not_verified(city, client):
    assert "/dispute" not in client.get(f"/commitments/{city['working']}").text
    response = ask_link(client, city["working"], EMAIL)
    assert response.status_code == 409 and "只有已核验的承诺才能反映未解决" in response.text
    assert mails("dispute_link") == []


def test_a_bad_address_is_said_beside_the_field(city, client):
    response = ask_link(client, city["done"], "not-an-address")
    assert response.status_code == 422 and 'aria-invalid="true"' in response.text


@pytest.mark.parametrize("tamper", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: "x" + t])
def test_an_altered_link_does_not_work(city, client, tamper):
    link = link_for(city["done"], client)
    token = link.rsplit("/", 1)[1]
    assert client.get(f"/dispute/{tamper(token)}").status_code == 404


def test_a_link_stops_working_when_its_follower_stops_following(city, client):
    link = link_for(city["done"], client)
    from tracker.models import Follow, utcnow
    follow = db.session.scalar(select(Follow).where(Follow.email == EMAIL, Follow.commitment_id == city["done"]))
    follow.unsubscribed_at = utcnow()
    db.session.commit()
    assert client.get(link).status_code == 404
    assert raise_dispute(client, link).status_code == 404 and disputes() == []


# --- the statement ----------------------------------------------------------------------------

def test_a_follower_says_not_resolved_and_it_is_on_the_public_record_masked(city, client):
    link = link_for(city["done"], client)
    before = snapshot(city["done"])
    response = raise_dispute(client, link)
    assert response.status_code == 200 and "已提交督查部门" in response.text
    [dispute] = disputes()
    assert dispute.status is DisputeStatus.OPEN and dispute.statement == STATEMENT
    assert dispute.public_statement == STATEMENT.replace(PHONE, MASKED_PHONE)
    commitment = reload(city["done"])
    assert commitment.status is CommitmentStatus.VERIFIED
    assert commitment.events[-1].action == "dispute_raised" and commitment.events[-1].actor_id is None
    assert snapshot(city["done"])["events"][:-1] == before["events"]   # appended, nothing rewritten
    page = client.get(f"/commitments/{city['done']}").text
    public = json.dumps(client.get(f"/api/v1/public/commitments/{city['done']}").get_json(), ensure_ascii=False)
    feed = client.get(f"/feeds/commitments/{city['done']}.atom").text
    for text in (page, public, feed):
        assert MASKED_PHONE in text and PHONE not in text and EMAIL not in text
    assert "群众反映未解决（待答复）" in page
    api = client.get(f"/api/v1/public/commitments/{city['done']}").get_json()
    assert api["disputes"][0]["status"] == "open" and api["timeline"][-1]["action"] == "dispute_raised"
    ref = reload(city["done"]).case.ref
    notes = client.get(f"/open311/v2/requests/{ref}.json").get_json()[0]["status_notes"]
    assert "群众反映未解决、待答复：1 件" in notes


def test_one_open_dispute_per_follower(city, client):
    link = link_for(city["done"], client)
    assert raise_dispute(client, link).status_code == 200
    assert "您已反映此承诺未解决" in client.get(link).text
    response = client.post(link, data={"statement": "再说一次", "csrf_token": page_csrf(client, "/login")})
    assert response.status_code == 409 and len(disputes()) == 1


@pytest.mark.parametrize("statement, status", [("   ", 422), ("字" * 501, 422), ("路灯\x1b[31m不亮", 422)])
def test_a_statement_blank_too_long_or_with_control_characters_is_refused(city, client, statement, status):
    link = link_for(city["done"], client)
    before = snapshot(city["done"])
    assert raise_dispute(client, link, statement).status_code == status
    assert disputes() == [] and snapshot(city["done"]) == before


def test_asking_for_links_is_rate_limited(city, client, app):
    app.config["DISPUTE_ADDRESS_LIMIT"] = "2 per hour"
    codes = [ask_link(client, city["done"], EMAIL).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


# --- the supervisor's queue -------------------------------------------------------------------

@pytest.fixture
def disputed(city, client):
    raise_dispute(client, link_for(city["done"], client))
    city["dispute"] = disputes()[0].id
    return city


def test_the_queue_is_the_supervisors(disputed, app, make, api):
    browser = Browser(app, make.user("supervisor"))
    page = browser.text("/oversight/disputes")
    assert STATEMENT in page and "月底前修复幸福路路灯" in page
    detail = browser.text(f"/oversight/commitments/{disputed['done']}")
    assert "1 follower says it is not resolved." in detail and 'href="/oversight/disputes"' in detail
    for role in ("department", "producer", "admin"):
        user = make.user(role, department=disputed["department"] if role == "department" else None)
        other = Browser(app, user)
        assert other.get("/oversight/disputes").status_code == 403
        assert other.submit(f"/oversight/disputes/{disputed['dispute']}",
                            {f"d{disputed['dispute']}-public_reason": "x"}).status_code == 403
        assert api.as_user(user).post(f"/api/v1/disputes/{disputed['dispute']}/answer",
                                      json={"public_reason": "x"}).status_code == 403
        assert api.as_user(user).get("/api/v1/disputes").status_code == 403
    assert api.anonymous.post(f"/api/v1/disputes/{disputed['dispute']}/reopen",
                              json={"public_reason": "x"}).status_code == 401
    assert disputes()[0].status is DisputeStatus.OPEN


def test_a_decision_needs_a_public_reason(disputed):
    before = snapshot(disputed["done"])
    for action in ("reopen", "answer"):
        for body in ({}, {"public_reason": "  "}):
            response = disputed["supervisor"].post(f"/api/v1/disputes/{disputed['dispute']}/{action}", json=body)
            assert response.status_code == 422 and "public_reason" in response.get_json()["error"]["fields"]
    assert snapshot(disputed["done"]) == before and disputes()[0].status is DisputeStatus.OPEN


def test_the_supervisor_answers_and_the_verification_stands(disputed, client):
    supervisor = disputed["supervisor"]
    listed = supervisor.get("/api/v1/disputes").get_json()
    assert listed["total"] == 1 and listed["items"][0]["statement"] == STATEMENT
    response = supervisor.post(f"/api/v1/disputes/{disputed['dispute']}/answer",
                               json={"public_reason": "经现场复核，路灯已亮，故障系夜间停电所致", "note": "内部：供电局确认"})
    assert response.status_code == 200 and response.get_json()["status"] == "verified"
    assert response.get_json()["timeline"][-1]["action"] == "dispute_answered"
    [dispute] = disputes()
    assert dispute.status is DisputeStatus.ANSWERED and dispute.answer.startswith("经现场复核")
    page = client.get(f"/commitments/{disputed['done']}").text
    assert "经现场复核，路灯已亮" in page and "内部：供电局确认" not in page and "群众反映未解决（已答复）" in page
    [mail] = mails("follow_status")[-1:]
    assert mail.recipient == EMAIL and "经现场复核" in mail.text_body and "内部" not in mail.text_body
    again = supervisor.post(f"/api/v1/disputes/{disputed['dispute']}/reopen", json={"public_reason": "x"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "dispute_decided"
    # Answered, the follower may say so again.
    assert raise_dispute(client, link_for(disputed["done"], client), "还是不亮").status_code == 200
    assert [d.status for d in disputes()] == [DisputeStatus.ANSWERED, DisputeStatus.OPEN]


def test_the_supervisor_reopens_through_the_queue_page(disputed, app, make, client):
    browser = Browser(app, make.user("supervisor"))
    dispute_id = disputed["dispute"]
    response = browser.submit(f"/oversight/disputes/{dispute_id}", {
        f"d{dispute_id}-csrf_token": browser.csrf, f"d{dispute_id}-reopen": "1",
        f"d{dispute_id}-public_reason": ""})
    assert response.status_code == 422 and "Give the public reason" in response.text
    assert reload(disputed["done"]).status is CommitmentStatus.VERIFIED
    response = browser.submit(f"/oversight/disputes/{dispute_id}", {
        f"d{dispute_id}-csrf_token": browser.csrf, f"d{dispute_id}-reopen": "1",
        f"d{dispute_id}-public_reason": "暗访核实路灯仍不亮，责成市住建局重新办理"}, follow_redirects=True)
    assert response.status_code == 200 and "Reopened: the commitment is in progress again, publicly." in response.text
    commitment = reload(disputed["done"])
    assert commitment.status is CommitmentStatus.IN_PROGRESS and commitment.satisfaction is None
    assert commitment.closed_at is None
    last = commitment.events[-1]
    assert last.action == "dispute_reopened" and last.before["status"] == "verified"
    assert last.after["status"] == "in_progress"
    assert disputes()[0].status is DisputeStatus.REOPENED
    timeline = client.get(f"/api/v1/public/commitments/{disputed['done']}").get_json()["timeline"]
    assert [e["action"] for e in timeline][-2:] == ["dispute_raised", "dispute_reopened"]
    assert timeline[-1]["after"]["status"] == "in_progress"
    page = client.get(f"/commitments/{disputed['done']}").text
    assert "因群众反映未解决重新办理" in page and "暗访核实路灯仍不亮" in page
    mail = mails("follow_status")[-1]
    assert mail.recipient == EMAIL and "暗访核实路灯仍不亮" in mail.text_body and "办理中" in mail.subject
    # Back at work: the department can report progress again.
    assert disputed["dept"].post(path(disputed["done"], "progress"), json={"note": "更换灯具"}).status_code == 200


def test_reopening_settles_every_open_dispute_of_the_commitment(disputed, client):
    follower(disputed["done"], "li@example.com")
    raise_dispute(client, link_for(disputed["done"], client, "li@example.com"), "同样不亮")
    assert [d.status for d in disputes()] == [DisputeStatus.OPEN, DisputeStatus.OPEN]
    response = disputed["supervisor"].post(f"/api/v1/disputes/{disputed['dispute']}/reopen",
                                           json={"public_reason": "重新办理"})
    assert response.status_code == 200 and response.get_json()["status"] == "in_progress"
    assert [d.status for d in disputes()] == [DisputeStatus.REOPENED, DisputeStatus.REOPENED]
    open_count = db.session.scalar(select(func.count(Dispute.id)).where(Dispute.status == DisputeStatus.OPEN))
    assert open_count == 0


# --- personal data typed into a statement ------------------------------------------------------

ID_NUMBER = "420302198506123010"   # a valid check digit: an 18-digit resident ID number
PRIVATE_STATEMENT = f"路灯还是不亮。联系电话{PHONE}，身份证{ID_NUMBER}，请核实。"


def test_a_phone_and_an_id_number_in_a_statement_are_masked_everywhere_but_as_written(disputed, app, make,
                                                                                     client):
    """What the follower typed reaches the public, the feeds, the exports and the followers' mail
    masked, as every other public text; the supervisor reads it as written beside the masked text,
    as on a case's page (hotline text beside public text)."""
    follower(disputed["done"], "li@example.com")
    raise_dispute(client, link_for(disputed["done"], client, "li@example.com"), PRIVATE_STATEMENT)
    mine = disputes()[-1]
    assert mine.statement == PRIVATE_STATEMENT
    assert PHONE not in mine.public_statement and ID_NUMBER not in mine.public_statement
    assert MASKED_PHONE in mine.public_statement and "42**************10" in mine.public_statement
    queue = Browser(app, make.user("supervisor")).text("/oversight/disputes")
    assert mine.public_statement in queue and PRIVATE_STATEMENT in queue
    # The supervisor answers quoting the statement: the public reason is masked all the same.
    answered = disputed["supervisor"].post(f"/api/v1/disputes/{mine.id}/answer",
                                           json={"public_reason": f"已联系反映人（{PHONE}，{ID_NUMBER}）核实"})
    assert answered.status_code == 200
    code = disputed["department"].code
    public = [client.get(f"/commitments/{disputed['done']}").text,
              json.dumps(client.get(f"/api/v1/public/commitments/{disputed['done']}").get_json(), ensure_ascii=False),
              json.dumps(client.get("/api/v1/public/commitments").get_json(), ensure_ascii=False),
              client.get(f"/feeds/commitments/{disputed['done']}.atom").text,
              client.get(f"/feeds/departments/{code}.atom").text, client.get("/feeds/updates.atom").text,
              client.get("/commitments.csv", buffered=True).text]
    letters = [mail.subject + mail.text_body + (mail.html_body or "") for mail in mails()]
    assert letters and any("已联系反映人" in letter for letter in letters)
    for text in public + letters:
        assert PHONE not in text and ID_NUMBER not in text
    assert MASKED_PHONE in public[0] and "42**************10" in public[0]
