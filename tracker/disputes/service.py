"""Disputes: a follower asks for a link, writes what is still wrong; a supervisor decides.

- Only a follower with a confirmed address (tracker/follows/) may dispute, and only a verified
  commitment. The follower types their address on the public page; if it is an active
  follower of this commitment, a signed link (itsdangerous, over the follow's id and the start
  of its token hash, valid `LINK_DAYS` days) is mailed to it. The page answers the same either
  way, so nobody learns who follows what.
- One open dispute per follower per commitment (also a unique index). The statement is kept as
  typed for the supervisor and masked (tracker/cases/personal_data.py) for the public.
- A supervisor either reopens the commitment (verified → in progress, a `dispute_reopened`
  event with a public reason; every open dispute of it is settled as `reopened`) or answers
  with a public reason (`dispute_answered`; the verification stands). Both mail the followers.
"""
from __future__ import annotations

from typing import TypeGuard

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..cases.personal_data import masked
from ..commitments import lifecycle, queries
from ..commitments.states import VERIFIED
from ..errors import ConflictError, InvalidError
from ..extensions import db
from ..follows import messages
from ..follows import service as follows
from ..follows.addresses import normalise_email
from ..models import Commitment, CommitmentEvent, CommitmentStatus, Dispute, DisputeStatus, Follow, User, utcnow
from . import queries as dispute_queries

LINK_DAYS = 7
LINK_SALT = "commitment-dispute"
STATEMENT_MAX = 500


def request_link(commitment_id: int, email: str | None) -> Commitment:
    """Mail the dispute link to `email` if it follows this verified commitment (confirmed, not
    stopped); otherwise mail nothing. 422 (`email`) for an address we cannot mail, 409
    `not_verified` when the commitment is not verified."""
    commitment = queries.get_public(commitment_id)
    address = normalise_email(email)
    if address is None:
        raise InvalidError(_("Enter an email address such as name@example.com."),
                           fields={"email": [_("Enter an email address such as name@example.com.")]})
    _ensure_verified(commitment, "email")
    follow = db.session.scalar(select(Follow).where(Follow.commitment_id == commitment.id, Follow.email == address))
    if _active(follow):
        url = follows.link("/dispute/", _signer().dumps([follow.id, follow.token_hash[:16]]))
        follows.enqueue("dispute_link", address, messages.dispute_link(commitment, url, LINK_DAYS))
        db.session.commit()
    return commitment


def follow_for(token: str) -> Follow:
    """The active follow this dispute link was mailed to; `follows.LinkError` otherwise."""
    try:
        follow_id, hash_start = _signer().loads(token, max_age=LINK_DAYS * 24 * 3600)
    except SignatureExpired:
        raise follows.LinkError(_("This link has expired. Ask for a new one on the commitment's page.")) from None
    except (BadSignature, ValueError, TypeError):
        follow_id, hash_start = None, None
    follow = db.session.get(Follow, follow_id) if isinstance(follow_id, int) else None
    if not _active(follow) or not isinstance(hash_start, str) or not follow.token_hash.startswith(hash_start):
        raise follows.LinkError(_("This link is not valid. It may have been mistyped or replaced by a newer one."))
    return follow


def open_dispute_of(follow: Follow) -> Dispute | None:
    return db.session.scalar(select(Dispute).where(Dispute.follow_id == follow.id,
                                                   Dispute.status == DisputeStatus.OPEN))


def raise_dispute(token: str, statement: str | None) -> Dispute:
    """Record the follower's dispute and its public `dispute_raised` event, or change nothing:
    422 (`statement`) blank or too long, 409 `not_verified`, 409 `dispute_open`."""
    follow = follow_for(token)
    text = lifecycle.clean_text(statement, "statement", required=True, limit=STATEMENT_MAX)
    try:
        commitment = lifecycle.lock(follow.commitment_id)
        _ensure_verified(commitment, "statement")
        if open_dispute_of(follow) is not None:
            raise _already_open()
        dispute = Dispute(commitment_id=commitment.id, follow_id=follow.id, statement=text,
                          public_statement=masked(text), status=DisputeStatus.OPEN)
        db.session.add(dispute)
        db.session.flush()
        db.session.add(CommitmentEvent(commitment_id=commitment.id, actor_id=None, action="dispute_raised",
                                       before=None, after={"dispute": _view(dispute)},
                                       public_reason=dispute.public_statement))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()   # the same follower's other request won the race
        raise _already_open() from None
    except BaseException:
        db.session.rollback()
        raise
    return dispute


def reopen(dispute_id: int, actor: User, reason: str | None, note: str | None) -> Commitment:
    """Send the commitment back to work (verified → in progress) with a public reason; every
    open dispute of it is settled as `reopened`. Followers get the status mail."""
    commitment_id = dispute_queries.get(dispute_id).commitment_id
    with lifecycle.changing(commitment_id, actor, "reopen_disputed") as change:
        commitment = change.commitment
        dispute = _open_dispute(dispute_id)
        note_text = lifecycle.clean_text(note, "note", required=False)
        public = lifecycle.public_reason(reason, required=True)
        before = {"status": commitment.status.value, "satisfaction": _value(commitment.satisfaction),
                  "dispute": _view(dispute)}
        # The verification no longer holds: the league table counts it as open again.
        commitment.status, commitment.satisfaction = CommitmentStatus.IN_PROGRESS, None
        commitment.closed_at = commitment.claimed_done_at = None
        for other in _open_disputes(commitment.id):
            _settle(other, DisputeStatus.REOPENED, actor, public)
        after = {"status": commitment.status.value, "satisfaction": None, "dispute": _view(dispute)}
        event = change.record(before, after, note_text, public)
        follows.enqueue_status_change(commitment, event)
    return commitment


def answer(dispute_id: int, actor: User, reason: str | None, note: str | None) -> Commitment:
    """Answer the dispute publicly; the verification stands. Followers get the answer by mail."""
    commitment_id = dispute_queries.get(dispute_id).commitment_id
    with lifecycle.changing(commitment_id, actor, "answer_dispute") as change:
        commitment = change.commitment
        dispute = _open_dispute(dispute_id)
        note_text = lifecycle.clean_text(note, "note", required=False)
        public = lifecycle.public_reason(reason, required=True)
        before = {"dispute": _view(dispute)}
        _settle(dispute, DisputeStatus.ANSWERED, actor, public)
        event = change.record(before, {"dispute": _view(dispute)}, note_text, public)
        _mail_answer(commitment, event)
    return commitment


def _mail_answer(commitment: Commitment, event: CommitmentEvent) -> None:
    db.session.flush()
    followers = db.session.scalars(select(Follow).where(
        Follow.commitment_id == commitment.id, Follow.confirmed_at.is_not(None),
        Follow.unsubscribed_at.is_(None)).order_by(Follow.id))
    for follow in followers:
        letter = messages.dispute_answered(commitment, event,
                                           follows.link("/follow/unsubscribe/", follows.unsubscribe_token(follow)))
        follows.enqueue(f"{messages.STATUS_KIND}:{follow.id}", follow.email, letter)


def _open_dispute(dispute_id: int) -> Dispute:
    dispute = dispute_queries.get(dispute_id)
    if dispute.status is not DisputeStatus.OPEN:
        raise ConflictError("This dispute has already been decided.", code="dispute_decided")
    return dispute


def _open_disputes(commitment_id: int) -> list[Dispute]:
    return list(db.session.scalars(select(Dispute).where(Dispute.commitment_id == commitment_id,
                                                         Dispute.status == DisputeStatus.OPEN)))


def _settle(dispute: Dispute, status: DisputeStatus, actor: User, public: str) -> None:
    dispute.status, dispute.answer = status, public
    dispute.decided_by_id, dispute.decided_at = actor.id, utcnow()


def _ensure_verified(commitment: Commitment, field: str) -> None:
    if commitment.status is not VERIFIED:
        message = _("Only a verified commitment can be said to be not resolved.")
        raise ConflictError(message, fields={field: [message]}, code="not_verified")


def _already_open() -> ConflictError:
    message = _("You have already said this commitment is not resolved; the supervisors have not answered yet.")
    return ConflictError(message, fields={"statement": [message]}, code="dispute_open")


def _active(follow: Follow | None) -> TypeGuard[Follow]:
    return follow is not None and follow.confirmed_at is not None and follow.unsubscribed_at is None


def _view(dispute: Dispute) -> dict:
    return {"id": dispute.id, "status": dispute.status.value}


def _value(value: object) -> object:
    return getattr(value, "value", value)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)
