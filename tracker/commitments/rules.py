"""Rules every part of the product applies the same way: overdue, due soon, an extension asked late."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..models import Commitment, CommitmentStatus, ExtensionRequest, ExtensionStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSED = frozenset({CommitmentStatus.VERIFIED, CommitmentStatus.CLOSED_UNFULFILLED})
DUE_SOON_DAYS = 3


def today() -> date:
    """The calendar day in Asia/Shanghai, whatever the server's time zone."""
    return datetime.now(SHANGHAI).date()


def is_overdue(deadline: date, status: CommitmentStatus, on: date | None = None) -> bool:
    """The deadline's day has passed and the commitment is neither verified nor closed."""
    return status not in CLOSED and deadline < (on or today())


def due_soon_until(on: date | None = None) -> date:
    """The last deadline that still counts as "due soon" on this day."""
    return (on or today()) + timedelta(days=DUE_SOON_DAYS)


def is_due_soon(deadline: date, status: CommitmentStatus, on: date | None = None) -> bool:
    """Due within DUE_SOON_DAYS days (today included), not yet overdue, and not closed."""
    day = on or today()
    return status not in CLOSED and day <= deadline <= due_soon_until(day)


def shanghai_day(moment: datetime) -> date:
    """The Asia/Shanghai calendar day of a moment."""
    return moment.astimezone(SHANGHAI).date()


def asked_late(request: ExtensionRequest) -> bool:
    """Asked on a day after the deadline then in force, when the commitment was already
    overdue (shown to the public as 逾期后申请)."""
    return shanghai_day(request.created_at) > request.current_deadline


def extended_late(commitment: Commitment) -> bool:
    """An approved extension of it was asked after the deadline then in force."""
    if commitment.deadline == commitment.original_deadline:   # nothing moved it: no lookup
        return False
    return any(r.status is ExtensionStatus.APPROVED and asked_late(r) for r in commitment.extension_requests)
