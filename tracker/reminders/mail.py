"""The reminder email: composing one department's digest, and handing it to the SMTP server.

The message is Chinese first, then the same in English below, as plain text with an HTML
alternative. It names what was promised, by whom and by when, the case and the episode, and
links to the commitment in the department workspace; never the complainant.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from types import TracebackType
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, gettext, ngettext
from markupsafe import Markup

from ..commitments import rules
from ..commitments.present import Urgency, commitment_urgency
from ..models import Commitment, ReminderDigest, utcnow

SMTP_TIMEOUT = 30   # seconds; a cron job must not hang on a dead server
SECOND_LANGUAGE = "en"


class DeliveryError(Exception):
    """The mail server could not be reached, or did not accept the message."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    ssl: bool
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://host:port` (plain), `smtps://host:port` (TLS from the start), either with
    `user:password@` to log in."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"TRACKER_SMTP_URL must look like smtp://host:port or smtps://host:port, not {url!r}")
    ssl = parts.scheme == "smtps"
    return SmtpSettings(host=parts.hostname, port=parts.port or (465 if ssl else 25), ssl=ssl,
                        username=unquote(parts.username) if parts.username else None,
                        password=unquote(parts.password) if parts.password else None)


class Mailer:
    """One SMTP connection for a run, opened at the first message.

    When the server cannot be reached, every message of the run fails at once with the same
    error instead of waiting for the timeout again.
    """

    def __init__(self, url: str) -> None:
        self.settings = parse_smtp_url(url)
        self._connection: smtplib.SMTP | None = None
        self._unreachable: DeliveryError | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def send(self, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        """Hand the message over; returns the recipients the server refused (others got it)."""
        connection = self._connect()
        try:
            return connection.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            self.close()   # the next message starts on a fresh connection
            raise DeliveryError(_describe(error)) from error

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (smtplib.SMTPException, OSError):
                self._connection.close()
            self._connection = None

    def _connect(self) -> smtplib.SMTP:
        if self._unreachable is not None:
            raise self._unreachable
        if self._connection is None:
            settings = self.settings
            kind = smtplib.SMTP_SSL if settings.ssl else smtplib.SMTP
            try:
                connection = kind(settings.host, settings.port, timeout=SMTP_TIMEOUT)
                if settings.username:
                    connection.login(settings.username, settings.password or "")
            except (smtplib.SMTPException, OSError) as error:
                self._unreachable = DeliveryError(
                    f"{settings.host}:{settings.port}: {_describe(error)}")
                raise self._unreachable from error
            self._connection = connection
        return self._connection


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


@dataclass(frozen=True)
class DigestLine:
    """One commitment as the email shows it."""

    kind: str
    commitment: Commitment
    urgency: Urgency
    link: str
    co_responsible: bool = False   # another department's, of a case this one is co-responsible for


def compose(digest: ReminderDigest, recipients: list[str]) -> EmailMessage:
    """The digest as one message to all these recipients."""
    config = current_app.config
    lines = [DigestLine(item.kind, item.commitment, commitment_urgency(item.commitment, digest.day),
                        f"{config['BASE_URL']}/dept/commitments/{item.commitment_id}",
                        item.commitment.department_id != digest.department_id) for item in digest.items]
    context = {"department": digest.department, "day": digest.day, "lines": lines,
               "kinds": [(kind, [line for line in lines if line.kind == kind])
                         for kind in ("overdue", "due_soon", "new")],
               "due_soon_days": rules.DUE_SOON_DAYS, "workspace": f"{config['BASE_URL']}/dept"}
    texts, sections = [], []
    for locale in (config["BABEL_DEFAULT_LOCALE"], SECOND_LANGUAGE):
        with force_locale(locale):
            texts.append(render_template("reminders/digest.txt", **context).strip())
            sections.append(Markup(render_template("reminders/_digest_section.html", **context)))
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = subject_line(digest.department.name, [line.kind for line in lines])

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(f"digest-{digest.id}", domain=_domain(config["MAIL_FROM"]))
    message.set_content(("\n\n" + "-" * 40 + "\n\n").join(texts) + "\n")
    message.add_alternative(render_template("_mail_layout.html", subject=subject, sections=sections),
                            subtype="html")
    return message


def subject_line(department_name: str, kinds: list[str]) -> str:
    """"【问政追踪】市住建局：2项逾期，1项3天内到期，1项新承诺" in the current language."""
    counts = {kind: kinds.count(kind) for kind in ("overdue", "due_soon", "new")}
    parts = []
    if counts["overdue"]:
        parts.append(ngettext("%(num)d overdue", "%(num)d overdue", counts["overdue"]))
    if counts["due_soon"]:
        parts.append(ngettext("%(num)d due within %(days)d days", "%(num)d due within %(days)d days",
                              counts["due_soon"], days=rules.DUE_SOON_DAYS))
    if counts["new"]:
        parts.append(ngettext("%(num)d new commitment", "%(num)d new commitments", counts["new"]))
    return gettext("[Face-to-Face Tracker] %(department)s: %(summary)s", department=department_name,
                   summary=gettext(", ").join(parts))


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"
