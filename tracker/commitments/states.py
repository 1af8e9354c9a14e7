"""The commitment lifecycle as one table: who may do what, from which state, to which state.

Every operation on a commitment (status moves, extensions, evidence) is a row here, and
`check` is the one function that applies the table. Anything the table does not allow is
refused — 403 for a role that may not act, 409 `transition_not_allowed` for a state it may not
act from — before anything changes.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConflictError, ForbiddenError
from ..models import CommitmentStatus, Role

COMMITTED = CommitmentStatus.COMMITTED
IN_PROGRESS = CommitmentStatus.IN_PROGRESS
CLAIMED_DONE = CommitmentStatus.CLAIMED_DONE
VERIFIED = CommitmentStatus.VERIFIED
CLAIMED_UNFULFILLABLE = CommitmentStatus.CLAIMED_UNFULFILLABLE
CLOSED_UNFULFILLED = CommitmentStatus.CLOSED_UNFULFILLED

EVERY_STATE = frozenset(CommitmentStatus)
OPEN = frozenset(EVERY_STATE - {VERIFIED, CLOSED_UNFULFILLED})
WORKING = frozenset({COMMITTED, IN_PROGRESS})


@dataclass(frozen=True)
class Move:
    """One row: the states each role may act from, the state it leads to, the timeline's word."""

    allowed: dict[Role, frozenset[CommitmentStatus]]
    target: CommitmentStatus | None   # None: the status stays as it is
    event: str                        # the `action` of the timeline event it writes

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(self.allowed)


def _department(states: frozenset[CommitmentStatus]) -> dict[Role, frozenset[CommitmentStatus]]:
    return {Role.DEPARTMENT: states}


def _supervisor(states: frozenset[CommitmentStatus]) -> dict[Role, frozenset[CommitmentStatus]]:
    return {Role.SUPERVISOR: states}


TABLE: dict[str, Move] = {
    # The department works on it: the first progress report starts the work.
    "progress": Move(_department(WORKING), IN_PROGRESS, "progress_reported"),
    "claim_done": Move(_department(WORKING), CLAIMED_DONE, "claimed_done"),
    "claim_unfulfillable": Move(_department(WORKING), CLAIMED_UNFULFILLABLE, "claimed_unfulfillable"),
    # The supervisor checks the claims: verify, send back, or close as unfulfilled.
    "verify": Move(_supervisor(frozenset({CLAIMED_DONE})), VERIFIED, "verified"),
    "reopen": Move(_supervisor(frozenset({CLAIMED_DONE, CLAIMED_UNFULFILLABLE})), IN_PROGRESS, "reopened"),
    "close_unfulfilled": Move(_supervisor(frozenset({CLAIMED_UNFULFILLABLE})), CLOSED_UNFULFILLED,
                              "closed_unfulfilled"),
    # A follower's dispute of a verification (群众反映未解决): reopen it, or answer and let it stand.
    "reopen_disputed": Move(_supervisor(frozenset({VERIFIED})), IN_PROGRESS, "dispute_reopened"),
    "answer_dispute": Move(_supervisor(frozenset({VERIFIED})), None, "dispute_answered"),
    # Extensions, while the commitment is open (a pending request lapses when it closes).
    "request_extension": Move(_department(OPEN), None, "extension_requested"),
    "approve_extension": Move(_supervisor(OPEN), None, "extension_approved"),
    "reject_extension": Move(_supervisor(OPEN), None, "extension_rejected"),
    # Evidence: the department's while the commitment is open; the supervisor's (site check,
    # call-back) at any time.
    "add_evidence": Move({Role.DEPARTMENT: OPEN, Role.SUPERVISOR: EVERY_STATE}, None, "evidence_added"),
    # Evidence is private until a supervisor marks it fit to be shown publicly.
    "publish_evidence": Move(_supervisor(EVERY_STATE), None, "evidence_published"),
    "unpublish_evidence": Move(_supervisor(EVERY_STATE), None, "evidence_unpublished"),
}


def roles_for(action: str) -> tuple[str, ...]:
    """The roles that may attempt `action`, for the views' `@allow(...)`."""
    return tuple(sorted(role.value for role in TABLE[action].roles))


def check(action: str, role: Role, status: CommitmentStatus) -> Move:
    """The row for `action` if `role` may do it on a commitment in `status`; raises otherwise."""
    move = TABLE[action]
    states = move.allowed.get(role)
    if states is None:
        raise ForbiddenError("Your role may not do this.")
    if status not in states:
        raise ConflictError(f"A commitment that is {status.value} does not allow '{action}'.",
                            code="transition_not_allowed")
    return move


def allows(action: str, role: Role, status: CommitmentStatus) -> bool:
    """Whether the table lets `role` do `action` now (for pages deciding which buttons to show)."""
    states = TABLE[action].allowed.get(role)
    return states is not None and status in states
