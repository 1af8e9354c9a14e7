"""The mails a follower receives, written into the outbox: Chinese first, English below, as
plain text with an HTML alternative (like the reminder digests).

They say what was promised, by which department, by when, its status and the link to its
public page — what that page shows anyone. Never a timeline note, a staff member's name, the
complainant or unreleased evidence: the templates are given nothing else to show.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from markupsafe import Markup

from ..commitments.present import commitment_status_label
from ..models import Commitment, CommitmentEvent

SECOND_LANGUAGE = "en"
STATUS_KIND = "follow_status"   # its outbox rows are `follow_status:<follow id>`
SUBJECT_CONTENT_MAX = 40        # characters of the promise shown in a subject line


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


def confirmation(commitment: Commitment, confirm_url: str, days: int) -> Letter:
    return _letter("confirm", lambda c: gettext("[Face-to-Face Tracker] Confirm that you follow: %(content)s",
                                                content=c),
                   commitment, confirm_url=confirm_url, days=days)


def already_following(commitment: Commitment) -> Letter:
    return _letter("already", lambda c: gettext("[Face-to-Face Tracker] You already follow: %(content)s",
                                                content=c),
                   commitment)


def status_change(commitment: Commitment, event: CommitmentEvent, unsubscribe_url: str) -> Letter:
    before, after = (event.before or {}).get("status"), (event.after or {}).get("status")
    # A verification the citizen did not accept says so, in the subject too.
    satisfaction = (event.after or {}).get("satisfaction")
    return _letter("status", lambda c: gettext("[Face-to-Face Tracker] Now %(status)s: %(content)s",
                                               status=_status_words(after, satisfaction), content=c),
                   commitment, before=before, after=after, after_satisfaction=satisfaction,
                   public_reason=event.public_reason, unsubscribe_url=unsubscribe_url)


def dispute_link(commitment: Commitment, dispute_url: str, days: int) -> Letter:
    return _letter("dispute_link", lambda c: gettext("[Face-to-Face Tracker] Say it is not resolved: %(content)s",
                                                     content=c),
                   commitment, dispute_url=dispute_url, days=days)


def dispute_answered(commitment: Commitment, event: CommitmentEvent, unsubscribe_url: str) -> Letter:
    return _letter("dispute_answered", lambda c: gettext("[Face-to-Face Tracker] A dispute was answered: %(content)s",
                                                         content=c),
                   commitment, public_reason=event.public_reason, unsubscribe_url=unsubscribe_url)


def page_url(commitment: Commitment) -> str:
    return f"{current_app.config['BASE_URL']}/commitments/{commitment.id}"


def _letter(name: str, subject: Callable[..., str], commitment: Commitment, **context: Any) -> Letter:
    config = current_app.config
    context.update(commitment=commitment, department=commitment.department.name, page_url=page_url(commitment))
    texts, sections = [], []
    for locale in (config["BABEL_DEFAULT_LOCALE"], SECOND_LANGUAGE):
        with force_locale(locale):
            texts.append(render_template(f"follows/mail/{name}.txt", **context).strip())
            sections.append(Markup(render_template(f"follows/mail/_{name}.html", **context)))
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        title = subject(_shorten(commitment.content))
    html = render_template("_mail_layout.html", subject=title, sections=sections)
    return Letter(subject=title, text=("\n\n" + "-" * 40 + "\n\n").join(texts) + "\n", html=html)


def _status_words(status: str | None, satisfaction: str | None = None) -> str:
    return commitment_status_label(status, satisfaction) if status else ""


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_CONTENT_MAX else text[:SUBJECT_CONTENT_MAX - 1] + "…"
