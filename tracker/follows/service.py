"""Following a commitment by email: asking, confirming, stopping, and what a status change sends.

- `request_follow` stores a pending follow (or refreshes one) with a new link token and puts
  the confirmation mail in the outbox, in one transaction. Its answer is the same whether or
  not the address already follows: an active follower gets an "already following" mail instead
  of a new token, so the unsubscribe links of earlier mails keep working.
- A confirmation link works for `CONFIRM_DAYS` days after the last request; then asking again
  sends a new one.
- Only the SHA-256 of the link token is stored, so the token cannot be put into mails written
  later. The unsubscribe link of each status mail is signed instead, with the secret key, over
  the follow's id and the start of its token hash: a leaked database alone can neither confirm
  nor cancel anyone, and asking to follow again after stopping voids the old links. Changing
  SECRET_KEY voids the unsubscribe links of mails already sent; each later mail has a new one.
- Only changes of status are mailed. A progress report that keeps the status, a deadline
  extension, new evidence: none of these mails anyone (the public page shows them).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..commitments import queries, rules
from ..errors import ConflictError, InvalidError, NotFoundError
from ..extensions import db
from ..models import Commitment, CommitmentEvent, Follow, OutgoingMail, utcnow
from . import messages
from .addresses import normalise_email

CONFIRM_DAYS = 7
UNSUBSCRIBE_SALT = "follow-unsubscribe"


class LinkError(NotFoundError):
    """A confirmation or unsubscribe link that is unknown, altered, expired or used up."""


def request_follow(commitment_id: int, email: str | None) -> Commitment:
    """Ask to follow the commitment; the confirmation (or reminder) mail waits in the outbox.

    422 (field `email`) for an address we cannot mail, 404 for no such commitment, 409 when
    it is closed: nothing about it will change any more.
    """
    commitment = queries.get_public(commitment_id)
    address = normalise_email(email)
    if address is None:
        raise InvalidError(_("Enter an email address such as name@example.com."),
                           fields={"email": [_("Enter an email address such as name@example.com.")]})
    if commitment.status in rules.CLOSED:
        raise ConflictError(_("This commitment is closed; its status will not change any more."),
                            fields={"email": [_("This commitment is closed; its status will not change any more.")]},
                            code="commitment_closed")
    follow = db.session.scalar(select(Follow).where(Follow.commitment_id == commitment.id, Follow.email == address))
    if follow is not None and follow.confirmed_at is not None and follow.unsubscribed_at is None:
        enqueue("follow_already", address, messages.already_following(commitment))
    else:
        token = secrets.token_urlsafe(32)
        if follow is None:
            follow = Follow(commitment_id=commitment.id, email=address)
            db.session.add(follow)
        # created_at counts as "asked at": the confirmation link's lifetime starts here.
        follow.token_hash, follow.created_at = token_hash(token), utcnow()
        follow.confirmed_at = follow.unsubscribed_at = None
        enqueue("follow_confirm", address, messages.confirmation(commitment, link("/follow/confirm/", token),
                                                                 CONFIRM_DAYS))
    try:
        db.session.commit()
    except IntegrityError:
        # The same request arrived twice at once; the other one stored it and mailed.
        db.session.rollback()
    return commitment


def confirm(token: str) -> Follow:
    """Start the follow the token was mailed for; confirming twice is fine."""
    follow = db.session.scalar(select(Follow).where(Follow.token_hash == token_hash(token)))
    if follow is None or follow.unsubscribed_at is not None:
        raise LinkError(_("This link is not valid. It may have been mistyped or replaced by a newer one."))
    if follow.confirmed_at is None:
        if follow.created_at < utcnow() - timedelta(days=CONFIRM_DAYS):
            raise LinkError(_("This confirmation link has expired. Ask to follow the commitment again."))
        follow.confirmed_at = utcnow()
        # Followers hear of changes from now on, not of the history they can read on the page.
        follow.notified_event_id = db.session.scalar(
            select(func.max(CommitmentEvent.id)).where(CommitmentEvent.commitment_id == follow.commitment_id))
        db.session.commit()
    return follow


def find_by_unsubscribe_token(token: str) -> Follow:
    """The follow this unsubscribe link is for; `LinkError` when it is not a valid link."""
    try:
        follow_id, hash_start = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        follow_id, hash_start = None, None
    follow = db.session.get(Follow, follow_id) if isinstance(follow_id, int) else None
    if follow is None or not isinstance(hash_start, str) or not follow.token_hash.startswith(hash_start):
        raise LinkError(_("This link is not valid. It may have been mistyped or replaced by a newer one."))
    return follow


def unsubscribe(token: str) -> Follow:
    """Stop the follow for good (until its address asks again); stopping twice is fine."""
    follow = find_by_unsubscribe_token(token)
    if follow.unsubscribed_at is None:
        follow.unsubscribed_at = utcnow()
        db.session.commit()
    return follow


def enqueue_status_change(commitment: Commitment, event: CommitmentEvent) -> int:
    """Put one mail per active follower into the outbox, in the caller's transaction (which
    commits it together with the change). Returns how many were written."""
    db.session.flush()   # the event's id
    followers = db.session.scalars(
        select(Follow).where(Follow.commitment_id == commitment.id, Follow.confirmed_at.is_not(None),
                             Follow.unsubscribed_at.is_(None)).order_by(Follow.id))
    count = 0
    for follow in followers:
        letter = messages.status_change(commitment, event, link("/follow/unsubscribe/", unsubscribe_token(follow)))
        enqueue(f"{messages.STATUS_KIND}:{follow.id}", follow.email, letter)
        follow.notified_event_id = event.id
        count += 1
    return count


def enqueue(kind: str, recipient: str, letter: messages.Letter) -> OutgoingMail:
    mail = OutgoingMail(kind=kind, recipient=recipient, subject=letter.subject, text_body=letter.text,
                        html_body=letter.html, attempts=0, last_error="")
    db.session.add(mail)
    return mail


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(follow: Follow) -> str:
    return _signer().dumps([follow.id, follow.token_hash[:16]])


def link(path: str, token: str) -> str:
    return f"{current_app.config['BASE_URL']}{path}{token}"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
