"""Typed SQLAlchemy models, one module per group."""
from .accounts import ApiToken, Department, DepartmentKind, Role, User
from .cases import Case, CaseDepartment, CaseSource, CaseStatus
from .episodes import Episode, EpisodeStatus
from .types import UTCDateTime, utcnow

__all__ = [
    "ApiToken", "Case", "CaseDepartment", "CaseSource", "CaseStatus", "Department",
    "DepartmentKind", "Episode", "EpisodeStatus", "Role", "UTCDateTime", "User", "utcnow",
]
