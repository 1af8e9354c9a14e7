"""Sending what waits in the outbox (`OutgoingMail`), for `tracker send-mail` run by cron.

Each message is claimed before it is handed to the server: its `attempts` goes up by one in a
committed update that only succeeds if nobody else counted that attempt first, so two runs at
once never send the same message twice. A failed attempt keeps the message with `last_error`;
the next try waits `RETRY_AFTER[attempts]` from the message's creation (a server down for an
hour is not hammered every minute), and after `MAX_ATTEMPTS` tries the message is given up:
it stays in the table, unsent, with its last error, for someone to look at.

A status mail (`follow_status:<follow id>`) whose follower stopped following before it left is
withdrawn the same way: never sent, `last_error` says why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, and_, or_, select, update

from ..extensions import db
from ..models import Follow, OutgoingMail, utcnow
from ..reminders import mail
from . import messages
from .service import link, unsubscribe_token

# How long after its creation a message may be tried for the (n+1)-th time; one entry per try.
RETRY_AFTER = (timedelta(0), timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
               timedelta(hours=1), timedelta(hours=3), timedelta(hours=8), timedelta(hours=24))
MAX_ATTEMPTS = len(RETRY_AFTER)
WITHDRAWN = "not sent: the recipient stopped following before it left"


@dataclass
class OutboxReport:
    """What one `send_outbox` run did."""

    sent: list[OutgoingMail] = field(default_factory=list)
    failed: list[OutgoingMail] = field(default_factory=list)
    withdrawn: list[OutgoingMail] = field(default_factory=list)

    @property
    def gave_up(self) -> list[OutgoingMail]:
        return [row for row in self.failed if row.attempts >= MAX_ATTEMPTS]


def due(limit: int, now: datetime | None = None) -> list[OutgoingMail]:
    """Unsent messages whose next try is due, oldest first."""
    now = now or utcnow()
    ready = or_(*(and_(OutgoingMail.attempts == tries, OutgoingMail.created_at <= now - wait)
                  for tries, wait in enumerate(RETRY_AFTER)))
    return list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.sent_at.is_(None), ready)
                                   .order_by(OutgoingMail.id).limit(limit)))


def send_outbox(smtp_url: str, limit: int = 100, now: datetime | None = None) -> OutboxReport:
    """Hand up to `limit` due messages to the SMTP server at `smtp_url`, one transaction each."""
    report = OutboxReport()
    with mail.Mailer(smtp_url) as mailer:
        for row in due(limit, now):
            if not _claim(row):
                continue
            message = build(row)
            if message is None:
                row.attempts, row.last_error = MAX_ATTEMPTS, WITHDRAWN
                report.withdrawn.append(row)
            else:
                _deliver(mailer, row, message, report)
            db.session.commit()
    return report


def build(row: OutgoingMail) -> EmailMessage | None:
    """The message to send for this row; None when it should no longer go out."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = row.recipient
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(f"mail-{row.id}", domain=_domain(config["MAIL_FROM"]))
    message["Auto-Submitted"] = "auto-generated"
    kind, _sep, follow_id = row.kind.partition(":")
    if kind == messages.STATUS_KIND:
        follow = db.session.get(Follow, int(follow_id)) if follow_id.isdigit() else None
        if follow is None or follow.unsubscribed_at is not None:
            return None
        # RFC 2369 and RFC 8058: mail programs offer "unsubscribe" and POST it themselves.
        message["List-Unsubscribe"] = f"<{link('/follow/unsubscribe/', unsubscribe_token(follow))}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    return message


def _claim(row: OutgoingMail) -> bool:
    tries = row.attempts
    result = cast(CursorResult[Any], db.session.execute(  # an UPDATE answers a CursorResult
        update(OutgoingMail).where(OutgoingMail.id == row.id, OutgoingMail.attempts == tries,
                                   OutgoingMail.sent_at.is_(None))
        .values(attempts=tries + 1).execution_options(synchronize_session=False)))
    claimed = result.rowcount == 1
    db.session.commit()
    return claimed


def _deliver(mailer: mail.Mailer, row: OutgoingMail, message: EmailMessage, report: OutboxReport) -> None:
    try:
        refused = mailer.send(message)
    except mail.DeliveryError as error:
        row.last_error = str(error)
        report.failed.append(row)
        return
    if refused:
        row.last_error = "; ".join(f"{address}: {answer}" for address, answer in refused.items())
        report.failed.append(row)
        return
    row.sent_at, row.last_error = utcnow(), ""
    report.sent.append(row)


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"
