"""Typed SQLAlchemy models, one module per group."""
from .accounts import ApiToken, Department, DepartmentKind, DisplayToken, Role, User
from .cases import Case, CaseDepartment, CaseSource, CaseStatus
from .commitments import Commitment, CommitmentEvent, CommitmentStatus, Satisfaction
from .episodes import Episode, EpisodeStatus
from .rundown import ItemState, RundownEvent, RundownItem
from .types import UTCDateTime, utcnow

__all__ = [
    "ApiToken", "Case", "CaseDepartment", "CaseSource", "CaseStatus", "Commitment", "CommitmentEvent",
    "CommitmentStatus", "Department", "DepartmentKind", "DisplayToken", "Episode", "EpisodeStatus", "ItemState",
    "RundownEvent", "RundownItem", "Role", "Satisfaction", "UTCDateTime", "User", "utcnow",
]
