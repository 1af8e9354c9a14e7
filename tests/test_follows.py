"""A citizen follows a commitment by email: double opt-in, a mail per status change, one-click
unsubscribe — through the pages, the outbox and a real SMTP server."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import render_template
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.follows import outbox
from tracker.follows.addresses import normalise_email
from tracker.models import Follow, OutgoingMail, utcnow

from .commitment_data import Commitments
from .helpers import Inbox
from .servers import free_port

pytestmark = pytest.mark.both_databases  # the outbox and its unique follower addresses

BASE = "https://tracker.example"
COMPLAINANT = ("张秀兰", "13900000001")   # what make.case plants on every case
NOTE = "内部备注：施工队长电话13812345678，暂不公开"
STAFF_NAME = "王晓明"
CONFIRM_LINK = re.compile(re.escape(BASE) + r"/follow/confirm/([A-Za-z0-9_-]+)")


@pytest.fixture
def city(make):
    """A commitment of 市住建局, and a member of its staff with a name."""
    commitments = Commitments(make)
    zjj = make.department("ZJJ", "市住建局")
    staff = make.user("department", department=zjj, username="zjj_wang")
    staff.display_name = STAFF_NAME
    db.session.commit()
    return {"zjj": zjj, "staff": staff, "commitment": commitments.create(zjj, content="年底前打通幸福路断头路"),
            "closed": commitments.create(zjj, status="verified", content="已完成的井盖更换")}


def csrf_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def ask_to_follow(client, commitment_id: int, email: str, **extra):
    data = {"email": email, "csrf_token": csrf_token(client), **extra}
    return client.post(f"/commitments/{commitment_id}/follow", data=data)


def send_mail(runner):
    return runner.invoke(args=["send-mail"])


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def outbox_rows() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def follows() -> list[Follow]:
    db.session.expire_all()
    return list(db.session.scalars(select(Follow).order_by(Follow.id)))


def confirm_path(message) -> str:
    return "/follow/confirm/" + CONFIRM_LINK.search(text_of(message)).group(1)


def follow_and_confirm(client, runner, smtp, commitment_id: int, email: str) -> None:
    assert ask_to_follow(client, commitment_id, email).status_code == 200
    assert send_mail(runner).exit_code == 0
    assert client.get(confirm_path(smtp.to(email)[-1])).status_code == 200


def test_a_citizen_follows_hears_of_status_changes_and_unsubscribes_in_one_click(client, runner, api, smtp, city):
    commitment, department = city["commitment"], api.as_user(city["staff"])

    response = ask_to_follow(client, commitment.id, "  Citizen@Example.COM ")
    assert response.status_code == 200
    assert "请查收邮件" in response.get_data(as_text=True)
    assert ask_to_follow(client, commitment.id, "pending@example.com").status_code == 200   # never confirms
    result = send_mail(runner)
    assert result.exit_code == 0, result.output
    assert "sent: 2, failed: 0" in result.output

    invitation, = smtp.to("citizen@example.com")
    assert invitation["Subject"] == "【问政追踪】请确认关注：年底前打通幸福路断头路"
    assert invitation["From"].addresses[0].addr_spec == "tracker@tv.example"
    assert "List-Unsubscribe" not in invitation
    body = text_of(invitation)
    assert body.index("请确认您要关注这项承诺") < body.index("Confirm that you want to follow this commitment")
    assert "7 天内" in body and "市住建局" in body and f"{BASE}/commitments/{commitment.id}" in body
    assert CONFIRM_LINK.search(html_of(invitation))

    page = client.get(confirm_path(invitation))
    assert page.status_code == 200
    assert "您已开始关注这项承诺" in page.get_data(as_text=True)
    follower, pending = follows()
    assert follower.email == "citizen@example.com" and follower.confirmed_at is not None
    assert pending.confirmed_at is None

    assert department.post(f"/api/v1/commitments/{commitment.id}/progress",
                           json={"note": NOTE, "percent": 10}).status_code == 200
    assert [row.recipient for row in outbox_rows() if row.sent_at is None] == ["citizen@example.com"]
    assert send_mail(runner).exit_code == 0
    news, = [message for message in smtp.to("citizen@example.com") if message is not invitation]
    assert len(smtp.to("pending@example.com")) == 1   # its confirmation only
    assert news["Subject"] == "【问政追踪】最新状态“办理中”：年底前打通幸福路断头路"
    unsubscribe_url = news["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url.startswith(f"{BASE}/follow/unsubscribe/")
    assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for part in (text_of(news), html_of(news)):
        assert "已承诺 → 办理中" in part and "Committed → In progress" in part
        assert f"{BASE}/commitments/{commitment.id}" in part and unsubscribe_url in part
    assert follows()[0].notified_event_id is not None

    # Mail programs POST the one-click body, with no cookie and no CSRF token.
    one_click = api.anonymous.client.post(unsubscribe_url.removeprefix(BASE), data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert follows()[0].unsubscribed_at is not None

    before = len(outbox_rows())
    assert department.post(f"/api/v1/commitments/{commitment.id}/claim-done", json={"note": "已完工"}).status_code == 200
    assert len(outbox_rows()) == before
    assert "sent: 0" in send_mail(runner).output


def test_the_mail_says_nothing_private(client, runner, api, smtp, city, make):
    commitment = city["commitment"]
    follow_and_confirm(client, runner, smtp, commitment.id, "citizen@example.com")
    supervisor = make.user("supervisor", username="dcb_li")
    supervisor.display_name = "李督查"
    db.session.commit()
    department = api.as_user(city["staff"])
    assert department.post(f"/api/v1/commitments/{commitment.id}/claim-done", json={"note": NOTE}).status_code == 200
    assert api.as_user(supervisor).post(f"/api/v1/commitments/{commitment.id}/reopen",
                                        json={"note": "回访发现仍未完工 李督查"}).status_code == 200
    assert send_mail(runner).exit_code == 0

    mails = smtp.to("citizen@example.com")
    assert len(mails) == 3
    for _recipients, message, raw in smtp.messages:
        everything = "\n".join([message["Subject"], text_of(message), html_of(message), raw.decode("utf-8", "replace")])
        for secret in (*COMPLAINANT, "施工队长", "13812345678", "回访发现", STAFF_NAME, "zjj_wang", "李督查", "dcb_li"):
            assert secret not in everything


def test_a_progress_report_that_keeps_the_status_mails_nobody(client, runner, api, smtp, city):
    commitment = city["commitment"]
    department = api.as_user(city["staff"])
    assert department.post(f"/api/v1/commitments/{commitment.id}/progress", json={"note": "开工"}).status_code == 200
    follow_and_confirm(client, runner, smtp, commitment.id, "citizen@example.com")
    before = len(outbox_rows())

    assert department.post(f"/api/v1/commitments/{commitment.id}/progress",
                           json={"note": "完成一半", "percent": 50}).status_code == 200
    assert len(outbox_rows()) == before


def test_asking_again_neither_duplicates_nor_reveals_anything(client, runner, smtp, city):
    commitment = city["commitment"]
    first = ask_to_follow(client, commitment.id, "citizen@example.com")
    again = ask_to_follow(client, commitment.id, "CITIZEN@example.com")
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    assert len(follows()) == 1
    assert send_mail(runner).exit_code == 0
    old, new = smtp.to("citizen@example.com")
    assert client.get(confirm_path(old)).status_code == 404      # replaced by the newer link
    assert client.get(confirm_path(new)).status_code == 200
    token_hash = follows()[0].token_hash

    stranger = client.application.test_client()
    answer = ask_to_follow(stranger, commitment.id, "citizen@example.com")
    assert answer.status_code == 200 and answer.get_data() == first.get_data()
    assert len(follows()) == 1 and follows()[0].token_hash == token_hash and follows()[0].confirmed_at
    assert send_mail(runner).exit_code == 0
    reminder = smtp.to("citizen@example.com")[-1]
    assert reminder["Subject"] == "【问政追踪】您已关注：年底前打通幸福路断头路"
    assert not CONFIRM_LINK.search(text_of(reminder))


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "two@@example.com", "a b@example.com",
                                   "x@example.com\nBcc: all@example.com", "a@-example.com", "a" * 65 + "@example.com"])
def test_a_bad_address_is_refused_readably_and_nothing_is_stored(client, city, email):
    response = ask_to_follow(client, city["commitment"].id, email)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请输入有效的电子邮箱地址" in page and 'aria-invalid="true"' in page
    assert follows() == [] and outbox_rows() == []


def test_unknown_and_closed_commitments_cannot_be_followed(client, city):
    assert ask_to_follow(client, 999999, "citizen@example.com").status_code == 404
    closed = ask_to_follow(client, city["closed"].id, "citizen@example.com")
    assert closed.status_code == 409
    assert "这项承诺已办结" in closed.get_data(as_text=True)
    assert follows() == [] and outbox_rows() == []


def test_a_bad_or_expired_link_shows_a_readable_404_page(client, runner, api, smtp, city):
    for path in ("/follow/confirm/nonsense", "/follow/unsubscribe/nonsense", "/follow/unsubscribe/WzEsImFiYyJd.bad"):
        page = client.get(path)
        assert page.status_code == 404
        assert "此链接无法使用" in page.get_data(as_text=True)
    assert api.anonymous.client.post("/follow/unsubscribe/nonsense",
                                     data={"List-Unsubscribe": "One-Click"}).status_code == 404

    ask_to_follow(client, city["commitment"].id, "late@example.com")
    send_mail(runner)
    follows()[0].created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    late = client.get(confirm_path(smtp.to("late@example.com")[0]))
    assert late.status_code == 404 and "已过期" in late.get_data(as_text=True)
    assert follows()[0].confirmed_at is None


def test_the_unsubscribe_link_asks_before_it_stops(client, runner, api, smtp, city):
    commitment = city["commitment"]
    follow_and_confirm(client, runner, smtp, commitment.id, "citizen@example.com")
    assert api.as_user(city["staff"]).post(f"/api/v1/commitments/{commitment.id}/progress",
                                           json={"note": "开工"}).status_code == 200
    send_mail(runner)
    path = smtp.to("citizen@example.com")[-1]["List-Unsubscribe"].strip("<>").removeprefix(BASE)

    visitor = client.application.test_client()
    assert visitor.get(path).status_code == 200            # a link checker opening it stops nothing
    assert follows()[0].unsubscribed_at is None
    assert visitor.post(path, data={}).status_code == 403   # the button's form carries the CSRF token
    assert follows()[0].unsubscribed_at is None
    assert visitor.post(path, data={"csrf_token": csrf_token(visitor)}).status_code == 200
    assert follows()[0].unsubscribed_at is not None
    assert visitor.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200   # twice is fine
    assert client.get(confirm_path(smtp.to("citizen@example.com")[0])).status_code == 404   # no way back in


def test_the_follow_form_needs_its_csrf_token(client, city):
    response = client.post(f"/commitments/{city['commitment'].id}/follow", data={"email": "citizen@example.com"})
    assert response.status_code == 403
    assert follows() == [] and outbox_rows() == []


def test_one_address_cannot_be_flooded(client, app, city):
    app.config["FOLLOW_ADDRESS_LIMIT"] = "2 per hour"
    for _ in range(2):
        assert ask_to_follow(client, city["commitment"].id, "victim@example.com").status_code == 200
    assert ask_to_follow(client, city["commitment"].id, "Victim@example.com ").status_code == 429
    assert len(outbox_rows()) == 2


@pytest.mark.parametrize("spelling", ["victim@example.com.", "victim@example.com..", "victim@ｅｘａｍｐｌｅ．ｃｏｍ",
                                      "victim+news@example.com", "VICTIM@Example.Com"])
def test_one_address_cannot_be_flooded_under_another_spelling(client, app, city, spelling):
    app.config["FOLLOW_ADDRESS_LIMIT"] = "2 per hour"
    for _ in range(2):
        assert ask_to_follow(client, city["commitment"].id, "victim@example.com").status_code == 200
    assert ask_to_follow(client, city["commitment"].id, spelling).status_code == 429
    assert len(outbox_rows()) == 2


def test_mail_waits_in_the_outbox_while_the_server_is_down(app, client, runner, city):
    port = free_port()
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", BASE_URL=BASE)
    ask_to_follow(client, city["commitment"].id, "citizen@example.com")

    result = send_mail(runner)
    assert result.exit_code == 1
    assert "sent: 0, failed: 1, gave up: 0" in result.output
    row, = outbox_rows()
    assert row.sent_at is None and row.attempts == 1 and "127.0.0.1" in row.last_error
    assert "sent: 0, failed: 0" in send_mail(runner).output   # the retry waits a minute

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        report = outbox.send_outbox(app.config["SMTP_URL"], now=utcnow() + timedelta(minutes=2))
    finally:
        controller.stop()
    assert len(report.sent) == 1 and len(inbox.to("citizen@example.com")) == 1
    row, = outbox_rows()
    assert row.sent_at is not None and row.attempts == 2 and row.last_error == ""


def test_a_message_is_given_up_after_the_last_try(app, client, city):
    port = free_port()
    ask_to_follow(client, city["commitment"].id, "citizen@example.com")
    later = utcnow() + timedelta(days=3)
    for _ in range(outbox.MAX_ATTEMPTS + 2):
        outbox.send_outbox(f"smtp://127.0.0.1:{port}", now=later)
    row, = outbox_rows()
    assert row.attempts == outbox.MAX_ATTEMPTS and row.sent_at is None and row.last_error
    assert outbox.due(10, later) == []


def test_a_status_mail_is_withdrawn_when_its_follower_stops_first(client, runner, api, smtp, city):
    commitment = city["commitment"]
    follow_and_confirm(client, runner, smtp, commitment.id, "citizen@example.com")
    assert api.as_user(city["staff"]).post(f"/api/v1/commitments/{commitment.id}/progress",
                                           json={"note": "开工"}).status_code == 200
    follows()[0].unsubscribed_at = utcnow()
    db.session.commit()
    result = send_mail(runner)
    assert "sent: 0, failed: 0, gave up: 0, withdrawn: 1" in result.output
    assert len(smtp.to("citizen@example.com")) == 1
    assert outbox_rows()[-1].last_error == outbox.WITHDRAWN


def test_without_smtp_the_outbox_keeps_its_mail(app, client, runner, city):
    app.config["SMTP_URL"] = None
    ask_to_follow(client, city["commitment"].id, "citizen@example.com")
    result = send_mail(runner)
    assert result.exit_code == 0 and "not configured" in result.output
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail).where(OutgoingMail.sent_at.is_(None))) == 1


def test_the_form_the_public_page_includes(app, city):
    with app.test_request_context("/"):
        html = render_template("follows/_follow_form.html", commitment=city["commitment"])
        closed = render_template("follows/_follow_form.html", commitment=city["closed"])
    assert f'action="/commitments/{city["commitment"].id}/follow"' in html
    assert 'name="csrf_token"' in html and 'type="email"' in html and 'name="email"' in html
    assert "您的电子邮箱" in html and "我们会发送一封确认邮件；您的邮箱地址不会用于其他任何用途。" in html
    assert "<form" not in closed and "这项承诺已办结" in closed


@pytest.mark.parametrize(("typed", "stored"), [
    ("Wang.Li+tracker@QQ.com", "wang.li+tracker@qq.com"),
    ("  someone@mail.example.org ", "someone@mail.example.org"),
    ("citizen@例子.中国", "citizen@xn--fsqu00a.xn--fiqs8s"),
])
def test_addresses_are_stored_in_one_form(typed, stored):
    assert normalise_email(typed) == stored
