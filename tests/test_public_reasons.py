"""Reasons the public can read: decisions that end, extend or reopen a commitment carry a
`public_reason` beside the internal `note`; an unsatisfied call-back reads as such everywhere."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import CommitmentStatus

from .commitment_data import Commitments, reload, snapshot
from .voice_data import BASE, MASKED_PHONE, NOTE, PHONE, UNSATISFIED_EN, UNSATISFIED_ZH, follower, mails, path, verify

CLOSE_REASON = f"该路段纳入旧城改造，原方案无法实施，咨询电话{PHONE}"
UNSATISFIED_REASON = "路灯已按承诺安装，来电人认为亮度不够，将在回头看中跟进"


@pytest.fixture
def desk(api, make, app):
    app.config.update(BASE_URL=BASE)
    department = make.department("ZJJ", "市住建局")
    commitments = Commitments(make)
    return {"department": department, "commitments": commitments,
            "dept": api.as_role("department", department), "supervisor": api.as_role("supervisor")}


def unfulfillable(desk) -> int:
    commitment = desk["commitments"].create(desk["department"], content="年内拆除违建围墙")
    assert desk["dept"].post(path(commitment.id, "claim-unfulfillable"), json={"note": "涉及规划"}).status_code == 200
    return commitment.id


# --- required, or nothing changes ---------------------------------------------------------------

@pytest.mark.parametrize("body", [{"note": "经核实无法实施"}, {"note": "经核实无法实施", "public_reason": "   "}])
def test_closing_as_unfulfilled_needs_a_public_reason(desk, body):
    commitment_id = unfulfillable(desk)
    before = snapshot(commitment_id)
    response = desk["supervisor"].post(path(commitment_id, "close-unfulfilled"), json=body)
    assert response.status_code == 422
    assert "public_reason" in response.get_json()["error"]["fields"]
    assert snapshot(commitment_id) == before


def test_an_unsatisfied_verification_needs_a_public_reason(desk):
    commitment = desk["commitments"].create(desk["department"])
    desk["dept"].post(path(commitment.id, "claim-done"), json={"note": "完成"})
    before = snapshot(commitment.id)
    response = desk["supervisor"].post(path(commitment.id, "verify"), json={"satisfaction": "unsatisfied",
                                                                           "note": NOTE})
    assert response.status_code == 422 and "public_reason" in response.get_json()["error"]["fields"]
    assert snapshot(commitment.id) == before
    # A satisfied citizen needs no explanation.
    response = desk["supervisor"].post(path(commitment.id, "verify"), json={"satisfaction": "satisfied"})
    assert response.status_code == 200 and response.get_json()["timeline"][-1]["public_reason"] == ""


# --- what the public reads ----------------------------------------------------------------------

def test_the_public_reason_is_public_and_masked_the_note_is_not(desk, client, make):
    commitment_id = unfulfillable(desk)
    response = desk["supervisor"].post(path(commitment_id, "close-unfulfilled"),
                                       json={"note": NOTE, "public_reason": CLOSE_REASON})
    assert response.status_code == 200
    internal = response.get_json()["timeline"][-1]
    assert internal["note"] == NOTE and internal["public_reason"].endswith(MASKED_PHONE)
    masked_reason = CLOSE_REASON.replace(PHONE, MASKED_PHONE)
    case_ref = reload(commitment_id).case.ref
    surfaces = {
        "page": client.get(f"/commitments/{commitment_id}").text,
        "api": json.dumps(client.get(f"/api/v1/public/commitments/{commitment_id}").get_json(), ensure_ascii=False),
        "open311": json.dumps(client.get(f"/open311/v2/requests/{case_ref}.json").get_json(), ensure_ascii=False),
        "feed": client.get(f"/feeds/commitments/{commitment_id}.atom").text,
    }
    for name, text in surfaces.items():
        assert masked_reason in text, name
        assert PHONE not in text and "施工队长" not in text, name
    timeline = client.get(f"/api/v1/public/commitments/{commitment_id}").get_json()["timeline"]
    assert timeline[-1]["action"] == "closed_unfulfilled" and timeline[-1]["public_reason"] == masked_reason
    assert "note" not in timeline[-1]


def test_an_extension_shows_the_departments_proposed_reason_once_approved(desk, client):
    commitment = desk["commitments"].create(desk["department"])
    deadline = (rules.today() + timedelta(days=60)).isoformat()
    response = desk["dept"].post(path(commitment.id, "extension"), json={
        "deadline": deadline, "reason": "施工队伍进场延误（内部）", "public_reason": "雨季施工受阻，需顺延一个月"})
    assert response.status_code == 201
    assert "雨季施工受阻" not in client.get(f"/commitments/{commitment.id}").text   # not yet decided
    assert desk["supervisor"].post(path(commitment.id, "extension/approve"), json={}).status_code == 200
    page = client.get(f"/commitments/{commitment.id}").text
    assert "雨季施工受阻，需顺延一个月" in page and "施工队伍进场延误" not in page


def test_a_supervisors_own_reason_wins_and_a_reopen_reason_is_public(desk, client):
    commitment = desk["commitments"].create(desk["department"])
    deadline = (rules.today() + timedelta(days=60)).isoformat()
    desk["dept"].post(path(commitment.id, "extension"), json={"deadline": deadline, "reason": "延误",
                                                               "public_reason": "部门的说法"})
    desk["supervisor"].post(path(commitment.id, "extension/approve"), json={"public_reason": "督查认可延期一个月"})
    desk["dept"].post(path(commitment.id, "claim-done"), json={"note": "完成"})
    response = desk["supervisor"].post(path(commitment.id, "reopen"), json={"note": "内部：暗访未完成",
                                                                           "public_reason": "暗访发现路灯未装"})
    assert response.status_code == 200
    page = client.get(f"/commitments/{commitment.id}").text
    assert "督查认可延期一个月" in page and "部门的说法" not in page
    assert "暗访发现路灯未装" in page and "内部：暗访未完成" not in page


# --- an unsatisfied call-back reads as such everywhere ------------------------------------------

def test_an_unsatisfied_call_back_is_never_a_plain_verified(desk, client, app):
    commitment = desk["commitments"].create(desk["department"], content="月底前修复幸福路路灯")
    follower(commitment.id, "wang@example.com")
    verify(desk["supervisor"], desk["dept"], commitment.id, satisfaction="unsatisfied", reason=UNSATISFIED_REASON)
    case_ref = reload(commitment.id).case.ref
    assert reload(commitment.id).status is CommitmentStatus.VERIFIED

    page = client.get(f"/commitments/{commitment.id}").text
    assert f'badge-warn">{UNSATISFIED_ZH}</span>' in page and UNSATISFIED_REASON in page and NOTE not in page
    assert 'badge-ok">已核验</span>' not in page
    for listing in ("/commitments", "/departments/ZJJ", "/"):
        text = client.get(listing).text
        assert UNSATISFIED_ZH in text and 'badge-ok">已核验</span>' not in text, listing

    public = client.get(f"/api/v1/public/commitments/{commitment.id}").get_json()
    assert public["verified_unsatisfied"] is True and public["satisfaction"] == "unsatisfied"
    listed = client.get("/api/v1/public/commitments").get_json()["items"]
    assert [item["verified_unsatisfied"] for item in listed] == [True]

    notes = client.get(f"/open311/v2/requests/{case_ref}.json").get_json()[0]["status_notes"]
    assert f"{UNSATISFIED_ZH} 1" in notes and UNSATISFIED_REASON in notes and "已核验 1" not in notes
    client.get("/lang/en")
    notes = client.get(f"/open311/v2/requests/{case_ref}.json").get_json()[0]["status_notes"]
    assert f"{UNSATISFIED_EN} 1" in notes

    assert UNSATISFIED_EN in client.get(f"/feeds/commitments/{commitment.id}.atom").text

    mail = mails("follow_status")[-1]   # claimed done, then verified
    assert UNSATISFIED_ZH in mail.subject and UNSATISFIED_ZH in mail.text_body and UNSATISFIED_EN in mail.text_body
    assert UNSATISFIED_REASON in mail.text_body and UNSATISFIED_REASON in mail.html_body
    assert NOTE not in mail.text_body + mail.html_body


def test_a_satisfied_verification_stays_a_plain_verified(desk, client):
    commitment = desk["commitments"].create(desk["department"])
    verify(desk["supervisor"], desk["dept"], commitment.id, satisfaction="basically_satisfied")
    page = client.get(f"/commitments/{commitment.id}").text
    assert 'badge-ok">已核验</span>' in page and UNSATISFIED_ZH not in page
    assert client.get(f"/api/v1/public/commitments/{commitment.id}").get_json()["verified_unsatisfied"] is False


# --- the desk's forms ---------------------------------------------------------------------------

def test_the_desk_says_the_public_reason_is_missing_and_changes_nothing(desk, app, make, client):
    from .test_oversight_pages import Browser
    commitment = desk["commitments"].create(desk["department"])
    desk["dept"].post(path(commitment.id, "claim-done"), json={"note": "完成"})
    browser = Browser(app, make.user("supervisor"))
    before = snapshot(commitment.id)
    response = browser.act(commitment.id, "verify", "verify", {"satisfaction": "unsatisfied", "note": "回访不满意"})
    assert response.status_code == 422
    assert "Give the public reason: the public reads it on the commitment&#39;s page." in response.text
    assert snapshot(commitment.id) == before
    response = browser.act(commitment.id, "verify", "verify", {"satisfaction": "unsatisfied", "note": "回访不满意",
                                                               "public_reason": UNSATISFIED_REASON},
                           follow_redirects=True)
    assert response.status_code == 200 and UNSATISFIED_EN in response.text
    db.session.expire_all()
    assert reload(commitment.id).events[-1].public_reason == UNSATISFIED_REASON
