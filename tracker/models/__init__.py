"""Typed SQLAlchemy models, one module per group."""
from .accounts import ApiToken, Department, DepartmentKind, DisplayToken, Role, User
from .cases import Case, CaseDepartment, CaseSource, CaseStatus
from .commitments import (Attachment, Commitment, CommitmentEvent, CommitmentStatus, ExtensionRequest,
                          ExtensionStatus, Satisfaction, TimelineImmutableError)
from .episodes import Episode, EpisodeStatus
from .rundown import ItemState, RundownEvent, RundownItem
from .types import UTCDateTime, utcnow

__all__ = [
    "ApiToken", "Attachment", "Case", "CaseDepartment", "CaseSource", "CaseStatus", "Commitment", "CommitmentEvent",
    "CommitmentStatus", "Department", "DepartmentKind", "DisplayToken", "Episode", "EpisodeStatus", "ExtensionRequest",
    "ExtensionStatus", "ItemState",
    "RundownEvent", "RundownItem", "Role", "Satisfaction", "TimelineImmutableError", "UTCDateTime", "User", "utcnow",
]
