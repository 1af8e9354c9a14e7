"""`tracker remind`: each department's daily digest, mailed through a real SMTP server."""
from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from flask import render_template_string
from sqlalchemy import func, select

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import ReminderDigest, ReminderItem
from tracker.reminders import mail, service

from .commitment_data import Commitments
from .helpers import Inbox, text_of
from .servers import free_port

pytestmark = pytest.mark.both_databases  # row-locked reminder queue and date arithmetic

DAY = rules.today() + timedelta(days=60)   # a day every deadline below is still ahead of today
COMPLAINANT = ("张秀兰", "13900000001")    # what make.case plants on every case


@pytest.fixture
def commitments(make):
    return Commitments(make)


def remind(runner, day=DAY, *args):
    return runner.invoke(args=["remind", "--date", day.isoformat(), *args])


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def digests() -> list[ReminderDigest]:
    db.session.expire_all()
    return list(db.session.scalars(select(ReminderDigest).order_by(ReminderDigest.day, ReminderDigest.id)))


def kinds(digest: ReminderDigest) -> dict[int, str]:
    return {item.commitment_id: item.kind for item in digest.items}


@pytest.fixture
def city(make, commitments):
    """Two departments with staff, and commitments overdue, due soon, new and closed."""
    zjj, gdj = make.department("ZJJ", "市住建局"), make.department("GDJ", "供电公司")
    make.user("department", department=zjj, email="wang@zjj.example")
    make.user("department", department=zjj, email="li@zjj.example")
    make.user("department", department=zjj)                                   # no address
    make.user("department", department=zjj, email="gone@zjj.example").active = False
    db.session.commit()
    make.user("department", department=gdj, email="zhao@gdj.example")
    make.user("supervisor", email="boss@dcb.example")                         # no department
    return {
        "zjj": zjj, "gdj": gdj,
        "overdue": commitments.create(zjj, deadline=DAY - timedelta(days=3), content="年底前打通幸福路"),
        "due_soon": commitments.create(zjj, deadline=DAY + timedelta(days=2), content="两周内修复路灯"),
        "new": commitments.create(zjj, deadline=DAY + timedelta(days=40), content="三个月内完成雨污分流"),
        "verified": commitments.create(zjj, deadline=DAY - timedelta(days=5), status="verified",
                                       content="已完成的井盖更换"),
        "gdj_new": commitments.create(gdj, deadline=DAY + timedelta(days=20), content="清退转供电加价"),
    }


def test_each_department_gets_one_digest_of_its_own_commitments(runner, smtp, city):
    result = remind(runner)
    assert result.exit_code == 0, result.output
    assert "emails sent: 2" in result.output and "failed: 0" in result.output

    assert len(smtp.messages) == 2
    zjj_mail, = smtp.to("wang@zjj.example")
    assert smtp.to("li@zjj.example") == [zjj_mail]
    assert smtp.to("boss@dcb.example") == [] and smtp.to("gone@zjj.example") == []
    assert zjj_mail["Subject"] == "【问政追踪】市住建局：1项逾期，1项3天内到期，1项新承诺"
    assert zjj_mail["From"].addresses[0].addr_spec == "tracker@tv.example"
    assert zjj_mail["Message-ID"] and zjj_mail["Date"]
    body, page = text_of(zjj_mail), html_of(zjj_mail)
    for part in (body, page):
        for wanted in ("年底前打通幸福路", "两周内修复路灯", "三个月内完成雨污分流", "李建国",
                       f"https://tracker.example/dept/commitments/{city['overdue'].id}", city["overdue"].case.ref):
            assert wanted in part
        assert "清退转供电加价" not in part and "已完成的井盖更换" not in part
    assert "已逾期 3 天" in body and "Overdue by 3 days" in body    # Chinese first, English below
    assert body.index("已逾期") < body.index("Overdue by")
    assert DAY.strftime("%Y") in body

    gdj_mail, = smtp.to("zhao@gdj.example")
    assert gdj_mail["Subject"] == "【问政追踪】供电公司：1项新承诺"
    assert "清退转供电加价" in text_of(gdj_mail) and "幸福路" not in text_of(gdj_mail)

    zjj_digest, _gdj_digest = sorted(digests(), key=lambda d: d.department.code != "ZJJ")
    assert kinds(zjj_digest) == {city["overdue"].id: "overdue", city["due_soon"].id: "due_soon", city["new"].id: "new"}
    assert zjj_digest.sent_at is not None and zjj_digest.error == ""
    assert sorted(zjj_digest.recipients) == ["li@zjj.example", "wang@zjj.example"]


def test_no_complainant_in_any_mail(runner, smtp, city):
    assert remind(runner).exit_code == 0
    for _recipients, message, raw in smtp.messages:
        everything = raw.decode("utf-8", "replace") + text_of(message) + html_of(message) + str(message["Subject"])
        for private in COMPLAINANT:
            assert private not in everything


def test_a_second_run_the_same_day_sends_nothing_again(runner, smtp, city):
    assert remind(runner).exit_code == 0
    again = remind(runner)
    assert again.exit_code == 0, again.output
    assert "digests created: 0, emails sent: 0" in again.output
    assert len(smtp.messages) == 2 and len(digests()) == 2


def test_the_next_day_brings_a_new_digest_without_repeating_new_items(runner, smtp, city):
    assert remind(runner).exit_code == 0
    assert remind(runner, DAY + timedelta(days=1)).exit_code == 0

    later = [d for d in digests() if d.day == DAY + timedelta(days=1)]
    assert [d.department.code for d in later] == ["ZJJ"]     # the power company has nothing new to hear
    assert kinds(later[0]) == {city["overdue"].id: "overdue", city["due_soon"].id: "due_soon"}
    assert len(smtp.to("wang@zjj.example")) == 2 and len(smtp.to("zhao@gdj.example")) == 1
    assert smtp.to("wang@zjj.example")[1]["Subject"] == "【问政追踪】市住建局：1项逾期，1项3天内到期"


def test_a_deadline_is_due_today_on_its_day_and_overdue_the_next(runner, smtp, make, commitments):
    department = make.department("ZJJ", "市住建局")
    make.user("department", department=department, email="wang@zjj.example")
    due = commitments.create(department, deadline=DAY, content="当天到期的承诺")

    assert remind(runner, DAY - timedelta(days=4)).exit_code == 0          # new, not yet due soon
    assert remind(runner, DAY).exit_code == 0
    assert remind(runner, DAY + timedelta(days=1)).exit_code == 0
    assert [kinds(d)[due.id] for d in digests()] == ["new", "due_soon", "overdue"]
    _first, on_the_day, next_day = smtp.to("wang@zjj.example")
    assert "今天到期" in text_of(on_the_day) or "Due today" in text_of(on_the_day)
    assert "已逾期 1 天" in text_of(next_day)


def test_without_a_reachable_server_the_digest_waits_and_a_later_run_retries(app, runner, make, commitments):
    department = make.department("ZJJ", "市住建局")
    make.user("department", department=department, email="wang@zjj.example")
    commitments.create(department, deadline=DAY - timedelta(days=1))
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"               # nothing listens there

    failed = remind(runner)
    assert failed.exit_code != 0
    assert "failed: 1" in failed.output
    digest, = digests()
    assert digest.sent_at is None and digest.error and digest.recipients == []

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
        retried = remind(runner)
    finally:
        controller.stop()
    assert retried.exit_code == 0, retried.output
    assert "digests created: 0, emails sent: 1" in retried.output
    digest, = digests()
    assert digest.sent_at is not None and digest.error == "" and digest.recipients == ["wang@zjj.example"]
    assert len(inbox.messages) == 1


def test_a_department_nobody_can_be_mailed_at_still_gets_its_notifications(runner, smtp, make, commitments):
    department = make.department("ZJJ", "市住建局")
    make.user("department", department=department)
    commitment = commitments.create(department, deadline=DAY + timedelta(days=1))

    result = remind(runner)
    assert result.exit_code == 0, result.output
    assert "not addressed: 1" in result.output
    assert smtp.messages == []
    digest, = digests()
    assert digest.sent_at is None and digest.error == service.NO_RECIPIENTS
    assert [(n.kind, n.commitment.id) for n in service.notifications_for(department.id, on=DAY)] == \
        [("due_soon", commitment.id)]


def test_a_dry_run_changes_nothing(runner, smtp, city):
    result = remind(runner, DAY, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create ZJJ" in result.output and "年底前打通幸福路" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert smtp.messages == []
    assert db.session.scalar(select(func.count()).select_from(ReminderDigest)) == 0


def test_without_email_configured_the_digests_are_kept_for_the_workspace(app, runner, city):
    app.config["SMTP_URL"] = None
    result = remind(runner)
    assert result.exit_code == 0, result.output
    assert "email is not configured" in result.output
    assert {d.department.code for d in digests()} == {"ZJJ", "GDJ"}
    assert all(d.sent_at is None for d in digests())


def test_notifications_list_the_recent_items_newest_first(app, runner, smtp, city):
    assert remind(runner).exit_code == 0
    assert remind(runner, DAY + timedelta(days=1)).exit_code == 0

    notes = service.notifications_for(city["zjj"].id, on=DAY + timedelta(days=1))
    assert [(n.day, n.kind, n.commitment.id) for n in notes] == [
        (DAY + timedelta(days=1), "overdue", city["overdue"].id),
        (DAY + timedelta(days=1), "due_soon", city["due_soon"].id),
        (DAY, "overdue", city["overdue"].id), (DAY, "due_soon", city["due_soon"].id), (DAY, "new", city["new"].id)]
    assert service.notifications_for(city["zjj"].id, on=DAY + timedelta(days=30)) == []
    assert all(n.commitment.department_id == city["gdj"].id for n in service.notifications_for(city["gdj"].id, on=DAY))

    with app.test_request_context("/dept"):
        page = render_template_string('{% from "reminders/_notifications.html" import notifications %}'
                                      "{{ notifications(items) }}", items=notes)
    assert f'/dept/commitments/{city["new"].id}"' in page and "三个月内完成雨污分流" in page
    assert "reminder-kind-overdue" in page and "已逾期" in page


def test_items_are_stored_once_per_digest(runner, smtp, city):
    assert remind(runner).exit_code == 0
    pairs = db.session.execute(select(ReminderItem.digest_id, ReminderItem.commitment_id)).all()
    assert len(pairs) == len(set(pairs)) == 4


def test_without_a_date_the_day_is_today_in_shanghai(runner, smtp, make, commitments):
    department = make.department("ZJJ", "市住建局")
    make.user("department", department=department, email="wang@zjj.example")
    commitments.create(department, deadline=rules.today() + timedelta(days=1))
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    digest, = digests()
    assert digest.day == rules.today() and kinds(digest).popitem()[1] == "due_soon"


# A test server on the loopback interface, without TLS: aiosmtpd rightly warns about that.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_the_smtp_server_can_ask_for_a_login(app, runner, make, commitments):
    department = make.department("ZJJ", "市住建局")
    make.user("department", department=department, email="wang@zjj.example")
    commitments.create(department)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"p@ss word")

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), auth_required=True,
                            auth_require_tls=False, authenticator=authenticator)
    controller.start()
    try:
        app.config["SMTP_URL"] = f"smtp://mailer:p%40ss%20word@127.0.0.1:{controller.port}"
        result = remind(runner)
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert logins == [(b"mailer", b"p@ss word")] and len(inbox.messages) == 1


def test_the_smtp_address_is_checked():
    assert mail.parse_smtp_url("smtp://mail.example:2525") == mail.SmtpSettings("mail.example", 2525, False, None, None)
    assert mail.parse_smtp_url("smtps://u:p@mail.example") == mail.SmtpSettings("mail.example", 465, True, "u", "p")
    with pytest.raises(ValueError):
        mail.parse_smtp_url("http://mail.example")
