"""How commitments read on every page: labels, urgency, and the timeline in words.

The department workspace, the oversight desk, letters and the public pages all render a
commitment through these helpers (and `templates/commitments/_macros.html`), so "overdue" and
"due within 3 days" look and read the same everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Commitment, CommitmentEvent, CommitmentStatus, ExtensionRequest, Satisfaction
from . import rules

bp = Blueprint("commitment_present", __name__)

STATUS_LABELS = {
    CommitmentStatus.COMMITTED: _l("Committed"),
    CommitmentStatus.IN_PROGRESS: _l("In progress"),
    CommitmentStatus.CLAIMED_DONE: _l("Claimed done"),
    CommitmentStatus.VERIFIED: _l("Verified"),
    CommitmentStatus.CLAIMED_UNFULFILLABLE: _l("Claimed unfulfillable"),
    CommitmentStatus.CLOSED_UNFULFILLED: _l("Closed unfulfilled"),
}
# The badge tone of each status (classes of app.css).
STATUS_TONES = {
    CommitmentStatus.COMMITTED: "neutral", CommitmentStatus.IN_PROGRESS: "pool",
    CommitmentStatus.CLAIMED_DONE: "scheduled", CommitmentStatus.VERIFIED: "ok",
    CommitmentStatus.CLAIMED_UNFULFILLABLE: "warn", CommitmentStatus.CLOSED_UNFULFILLED: "danger",
}
# A verification the citizen did not accept at the call-back never reads as a plain "verified".
VERIFIED_UNSATISFIED_LABEL = _l("Verified – caller not satisfied")
VERIFIED_UNSATISFIED_TONE = "warn"
SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: _l("Satisfied"),
    Satisfaction.BASICALLY_SATISFIED: _l("Basically satisfied"),
    Satisfaction.UNSATISFIED: _l("Unsatisfied"),
}
EVENT_LABELS = {
    "committed": _l("Committed on air"),
    "progress_reported": _l("Progress reported"),
    "claimed_done": _l("Claimed done"),
    "claimed_unfulfillable": _l("Declared unfulfillable"),
    "verified": _l("Verified"),
    "reopened": _l("Sent back"),
    "closed_unfulfilled": _l("Closed as unfulfilled"),
    "extension_requested": _l("Extension requested"),
    "extension_approved": _l("Extension approved"),
    "extension_rejected": _l("Extension refused"),
    "evidence_added": _l("Evidence added"),
    "evidence_published": _l("Evidence made public"),
    "evidence_unpublished": _l("Evidence withdrawn from public view"),
    "dispute_raised": _l("A follower says it is not resolved"),
    "dispute_reopened": _l("Reopened after a follower said it is not resolved"),
    "dispute_answered": _l("Answer to a follower who said it is not resolved"),
}
FIELD_LABELS = {
    "status": _l("Status"), "deadline": _l("Deadline"), "progress_percent": _l("Progress"),
    "satisfaction": _l("Citizen's satisfaction"), "extension": _l("Extension"), "public": _l("Public"),
}


def verified_unsatisfied(status: CommitmentStatus | str | None, satisfaction: Satisfaction | str | None) -> bool:
    return status is not None and CommitmentStatus(status) is CommitmentStatus.VERIFIED \
        and satisfaction is not None and Satisfaction(satisfaction) is Satisfaction.UNSATISFIED


@bp.app_template_global()
def commitment_status_label(status: CommitmentStatus | str,
                            satisfaction: Satisfaction | str | None = None) -> str:
    """The status in words; verified with an unsatisfied citizen says so."""
    if verified_unsatisfied(status, satisfaction):
        return str(VERIFIED_UNSATISFIED_LABEL)
    return str(STATUS_LABELS.get(CommitmentStatus(status), status))


@bp.app_template_global()
def commitment_status_tone(status: CommitmentStatus | str, satisfaction: Satisfaction | str | None = None) -> str:
    if verified_unsatisfied(status, satisfaction):
        return VERIFIED_UNSATISFIED_TONE
    return STATUS_TONES.get(CommitmentStatus(status), "neutral")


@bp.app_template_global()
def satisfaction_label(value: Satisfaction | str | None) -> str:
    if not value:
        return ""
    return str(SATISFACTION_LABELS.get(Satisfaction(value), value))


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, str(label)) for status, label in STATUS_LABELS.items()]


def satisfaction_choices() -> list[tuple[str, str]]:
    return [(value.value, str(label)) for value, label in SATISFACTION_LABELS.items()]


@dataclass(frozen=True)
class Urgency:
    """Overdue or due soon, and by how many days; `kind` is "overdue", "due_soon" or ""."""

    kind: str
    days: int   # overdue: days past the deadline; due soon: days left (0 = today)


@bp.app_template_global()
def commitment_urgency(commitment: Commitment, on: date | None = None) -> Urgency:
    day = on or rules.today()
    if rules.is_overdue(commitment.deadline, commitment.status, day):
        return Urgency("overdue", (day - commitment.deadline).days)
    if rules.is_due_soon(commitment.deadline, commitment.status, day):
        return Urgency("due_soon", (commitment.deadline - day).days)
    return Urgency("", 0)


@bp.app_template_global()
def extension_requested_late(commitment: Commitment) -> bool:
    """An approved extension of it was asked after the deadline then in force (逾期后申请)."""
    return rules.extended_late(commitment)


def event_requested_late(event: CommitmentEvent) -> bool:
    """For an extension's timeline event: its request was asked after the deadline then in
    force. False for every other event."""
    if not event.action.startswith("extension_"):
        return False
    request_id = next((values["extension"].get("id") for values in (event.after, event.before)
                       if isinstance(values, dict) and isinstance(values.get("extension"), dict)), None)
    request = db.session.get(ExtensionRequest, request_id) if request_id else None
    return request is not None and rules.asked_late(request)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@bp.app_template_global()
def timeline_event_label(action: str, after: object = None) -> str:
    """What happened, in words; `after` (the event's values) tells a verification against the
    citizen's word from a plain one."""
    if action == "verified" and isinstance(after, dict) and after.get("satisfaction") == Satisfaction.UNSATISFIED.value:
        return str(VERIFIED_UNSATISFIED_LABEL)
    return str(EVENT_LABELS.get(action, action))


class TimelineEvent(Protocol):
    """What `timeline_changes` reads of an event (a CommitmentEvent, or its public values)."""

    @property
    def action(self) -> str: ...
    @property
    def before(self) -> dict | None: ...
    @property
    def after(self) -> dict | None: ...


@bp.app_template_global()
def timeline_changes(event: TimelineEvent) -> list[FieldChange]:
    """What the event changed, in words: one row per field whose value moved."""
    before, after = event.before or {}, event.after or {}
    if event.action == "committed" or not isinstance(after, dict) or "attachment_id" in after:
        return []
    changes = []
    for name, label in FIELD_LABELS.items():
        old, new = before.get(name) if isinstance(before, dict) else None, after.get(name)
        if name not in after or old == new:
            continue
        changes.append(FieldChange(str(label), _word(name, old), _word(name, new)))
    return changes


def _word(name: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if name == "status":
        return commitment_status_label(str(value))
    if name == "satisfaction":
        return satisfaction_label(str(value))
    if name == "progress_percent":
        return f"{value}%"
    if name == "extension" and isinstance(value, dict):
        return f"{value.get('deadline', '')} · {value.get('status', '')}"
    if name == "public":
        return str(_l("Yes")) if value else str(_l("No"))
    return str(value)
