"""Changing a commitment after it was recorded: one transaction, one timeline event — or nothing.

Every operation runs inside `changing()`: it locks the commitment's row (so two people acting
at once are served one after the other, each seeing the other's result), checks the reader's
right to it and the state table, lets the operation change what it changes and write its
timeline event, and commits. Any refusal rolls everything back, so a refused request changes
nothing. An operation that ends up changing nothing writes no event and keeps nothing.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from ..cases.personal_data import masked
from ..errors import ConflictError, InvalidError, NotFoundError
from ..extensions import db
from ..follows import service as follows
from ..models import Commitment, CommitmentEvent, ExtensionRequest, ExtensionStatus, Satisfaction, User, utcnow
from . import queries, rules, states
from .states import Move

NOTE_MAX = 2000
STATUS_MOVES = frozenset({"progress", "claim_done", "claim_unfulfillable", "verify", "reopen", "close_unfulfilled"})
# Status moves whose note may be left out; every other one must say why.
NOTE_OPTIONAL = frozenset({"verify"})
# What each status move shows in its timeline event, besides the status.
SHOWN = {"progress": ("progress_percent",), "verify": ("satisfaction", "progress_percent")}


@dataclass
class CommitmentChange:
    """The commitment being changed, under lock, and the table's row that allowed it."""

    commitment: Commitment
    move: Move
    actor: User
    recorded: bool = False

    def record(self, before: Any, after: Any, note: str = "", public_reason: str = "") -> CommitmentEvent:
        event = CommitmentEvent(commitment_id=self.commitment.id, actor_id=self.actor.id,
                                action=self.move.event, before=before, after=after, note=note,
                                public_reason=public_reason)
        db.session.add(event)
        self.recorded = True
        return event


@contextmanager
def changing(commitment_id: int, actor: User, action: str) -> Iterator[CommitmentChange]:
    """Lock and check the commitment for `action` by `actor`; commit what the block records."""
    try:
        commitment = queries.ensure_visible(actor, _locked(commitment_id))
        move = states.check(action, actor.role, commitment.status)
        change = CommitmentChange(commitment, move, actor)
        yield change
        if change.recorded:
            db.session.commit()
        else:
            db.session.rollback()
    except BaseException:
        db.session.rollback()
        raise


def _locked(commitment_id: int) -> Commitment | None:
    # Touching the row takes its write lock until the transaction ends; what is read after
    # it is what the previous writer committed.
    result = cast(CursorResult[Any], db.session.execute(  # an UPDATE answers a CursorResult
        update(Commitment).where(Commitment.id == commitment_id)
        .values(updated_at=utcnow()).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        raise NotFoundError("No such commitment.")
    db.session.expire_all()
    return db.session.get(Commitment, commitment_id)


def lock(commitment_id: int) -> Commitment:
    """The commitment with its row locked until the transaction ends; 404 when there is none.
    For changes written outside `changing()` (a follower's dispute has no role to check)."""
    commitment = _locked(commitment_id)
    assert commitment is not None
    return commitment


def clean_text(value: str | None, field: str, *, required: bool, limit: int = NOTE_MAX) -> str:
    """Stripped text; 422 on the field when it is required and blank, or too long."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidError("Some fields are missing or invalid.", fields={field: ["Required; may not be blank."]})
    if len(text) > limit:
        raise InvalidError("Some fields are missing or invalid.", fields={field: [f"At most {limit} characters."]})
    return text


def public_reason(value: str | None, *, required: bool) -> str:
    """The reason the public reads, personal data masked (a phone typed into it is published
    as 138****7777); 422 on `public_reason` when it is required and blank, or too long."""
    return masked(clean_text(value, "public_reason", required=required))


def _reason_required(action: str, data: dict) -> bool:
    # Ending a commitment unfulfilled, or verifying it against the citizen's word, must be
    # explained to the public.
    return action == "close_unfulfilled" or (action == "verify" and data.get("satisfaction") == "unsatisfied")


def perform(commitment_id: int, action: str, actor: User, data: dict) -> Commitment:
    """Move the commitment's status as the table allows: progress, claim_done,
    claim_unfulfillable, verify, reopen, close_unfulfilled. `data` is the request body."""
    if action not in STATUS_MOVES:
        raise ValueError(f"not a status move: {action}")
    with changing(commitment_id, actor, action) as change:
        commitment, target = change.commitment, change.move.target
        note = clean_text(data.get("note"), "note", required=action not in NOTE_OPTIONAL)
        reason = public_reason(data.get("public_reason"), required=_reason_required(action, data))
        shown = ("status", *SHOWN.get(action, ()))
        before = _values(commitment, shown)
        if action == "progress" and data.get("percent") is not None:
            commitment.progress_percent = _percent(data["percent"])
        if action == "verify":
            commitment.satisfaction = _satisfaction(data.get("satisfaction"))
            commitment.progress_percent = 100   # verified is done, whatever the last report said
        if target is not None:  # every status move has one
            commitment.status = target
        _mark_moments(commitment, action)
        after = _values(commitment, shown)
        if target in rules.CLOSED:
            _lapse_pending(commitment, actor, before, after)
        event = change.record(before, after, note, reason)
        if before["status"] != after["status"]:   # followers hear of status changes only
            follows.enqueue_status_change(commitment, event)
    return commitment


def _mark_moments(commitment: Commitment, action: str) -> None:
    now = utcnow()
    if action == "claim_done":
        commitment.claimed_done_at = now
    elif action == "reopen":
        commitment.claimed_done_at = None   # the claim was refused; the next one counts
    elif action in ("verify", "close_unfulfilled"):
        commitment.closed_at = now


def _values(commitment: Commitment, names: tuple[str, ...]) -> dict:
    values = {name: getattr(commitment, name) for name in names}
    return {name: value.value if hasattr(value, "value") else value for name, value in values.items()}


def _percent(value: int) -> int:
    if not 0 <= value <= 100:
        raise InvalidError("Some fields are missing or invalid.", fields={"percent": ["From 0 to 100."]})
    return value


def _satisfaction(value: str | None) -> Satisfaction:
    try:
        return Satisfaction(value)
    except ValueError:
        raise InvalidError("Some fields are missing or invalid.", fields={
            "satisfaction": ["One of: " + ", ".join(s.value for s in Satisfaction) + "."]}) from None


def pending_extension(commitment_id: int) -> ExtensionRequest | None:
    return db.session.scalar(select(ExtensionRequest).where(ExtensionRequest.commitment_id == commitment_id,
                                                            ExtensionRequest.status == ExtensionStatus.PENDING))


def extension_view(request: ExtensionRequest) -> dict:
    return {"id": request.id, "deadline": request.requested_deadline.isoformat(), "status": request.status.value}


def _lapse_pending(commitment: Commitment, actor: User, before: dict, after: dict) -> None:
    # A closed commitment has no deadline left to move; the request is settled with it.
    request = pending_extension(commitment.id)
    if request is not None:
        before["extension"] = extension_view(request)
        _decide(request, ExtensionStatus.LAPSED, actor, "")
        after["extension"] = extension_view(request)


def _decide(request: ExtensionRequest, status: ExtensionStatus, actor: User, note: str) -> None:
    request.status, request.decided_by_id = status, actor.id
    request.decided_at, request.decision_note = utcnow(), note


def _ensure_not_past(deadline: date) -> None:
    """An extension is to a day still to come (Asia/Shanghai); 422 otherwise."""
    if deadline < rules.today():
        raise InvalidError("The new deadline has already passed.",
                           fields={"deadline": [f"Must be {rules.today().isoformat()} or later."]})


def request_extension(commitment_id: int, actor: User, deadline: date, reason: str | None,
                      reason_for_public: str | None = None) -> Commitment:
    """A pending request to move the deadline to a later day; one pending at a time.
    `reason_for_public` is proposed to the public: it becomes public with the approval, unless
    the supervisor gives one of their own."""
    with changing(commitment_id, actor, "request_extension") as change:
        commitment = change.commitment
        reason = clean_text(reason, "reason", required=True)
        proposed = public_reason(reason_for_public, required=False)
        if pending_extension(commitment.id) is not None:
            raise ConflictError("An extension request is already waiting for a decision.", code="extension_pending")
        if deadline <= commitment.deadline:
            raise InvalidError("The new deadline must be after the current one.",
                               fields={"deadline": [f"Must be after {commitment.deadline.isoformat()}."]})
        _ensure_not_past(deadline)
        request = ExtensionRequest(commitment_id=commitment.id, requested_by_id=actor.id, reason=reason,
                                   current_deadline=commitment.deadline, requested_deadline=deadline)
        db.session.add(request)
        db.session.flush()
        deadline_now = commitment.deadline.isoformat()
        change.record({"deadline": deadline_now, "extension": None},
                      {"deadline": deadline_now, "extension": extension_view(request)}, reason, proposed)
    return commitment


def decide_extension(commitment_id: int, actor: User, approve: bool, note: str | None,
                     reason_for_public: str | None = None) -> Commitment:
    """Approve (the deadline moves; the original deadline stays as it was) or reject the
    pending request; 409 `no_pending_extension` when there is none."""
    with changing(commitment_id, actor, "approve_extension" if approve else "reject_extension") as change:
        commitment = change.commitment
        note = clean_text(note, "note", required=False)
        reason = public_reason(reason_for_public, required=False)
        request = pending_extension(commitment.id)
        if request is None:
            raise ConflictError("No extension request is waiting for a decision.", code="no_pending_extension")
        before = {"deadline": commitment.deadline.isoformat(), "extension": extension_view(request)}
        if approve:
            # Approving a day that has gone by would only turn a late result into a punctual one.
            _ensure_not_past(request.requested_deadline)
        _decide(request, ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED, actor, note)
        if approve:
            commitment.deadline = request.requested_deadline
            reason = reason or _proposed_reason(commitment, request)
        change.record(before, {"deadline": commitment.deadline.isoformat(), "extension": extension_view(request)},
                      note, reason)
    return commitment


def _proposed_reason(commitment: Commitment, request: ExtensionRequest) -> str:
    """The public reason the department gave with its request, if it gave one."""
    for event in reversed(commitment.events):
        after = event.after if isinstance(event.after, dict) else {}
        if event.action == "extension_requested" and (after.get("extension") or {}).get("id") == request.id:
            return event.public_reason
    return ""
