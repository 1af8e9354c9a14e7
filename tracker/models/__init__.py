"""Typed SQLAlchemy models, one module per group."""
from .accounts import ApiToken, Department, DepartmentKind, DisplayToken, Role, User
from .cases import Case, CaseDepartment, CaseSource, CaseStatus
from .commitments import (
                          Attachment,
                          Commitment,
                          CommitmentEvent,
                          CommitmentStatus,
                          ExtensionRequest,
                          ExtensionStatus,
                          Satisfaction,
                          TimelineImmutableError,
)
from .disputes import Dispute, DisputeStatus
from .episodes import Episode, EpisodeStatus
from .freshness import DataVersion
from .imports import ImportJob, ImportState
from .letters import AssignmentLetter, AssignmentLetterCopy, ReminderDigest, ReminderItem
from .login_throttles import LoginThrottle
from .polls import Ballot, Choice, CodeMode, Poll
from .rundown import ItemKind, ItemState, RundownEvent, RundownFollowup, RundownItem
from .subscriptions import Follow, OutgoingMail
from .types import UTCDateTime, utcnow

__all__ = [
                          "ApiToken",
                          "AssignmentLetter",
                          "AssignmentLetterCopy",
                          "Attachment",
                          "Ballot",
                          "Case",
                          "CaseDepartment",
                          "CaseSource",
                          "CaseStatus",
                          "Choice",
                          "CodeMode",
                          "Commitment",
                          "CommitmentEvent",
                          "CommitmentStatus",
                          "DataVersion",
                          "Department",
                          "DepartmentKind",
                          "DisplayToken",
                          "Dispute",
                          "DisputeStatus",
                          "Episode",
                          "EpisodeStatus",
                          "ExtensionRequest",
                          "ExtensionStatus",
                          "Follow",
                          "ImportJob",
                          "ImportState",
                          "ItemKind",
                          "ItemState",
                          "LoginThrottle",
                          "OutgoingMail",
                          "Poll",
                          "ReminderDigest",
                          "ReminderItem",
                          "Role",
                          "RundownEvent",
                          "RundownFollowup",
                          "RundownItem",
                          "Satisfaction",
                          "TimelineImmutableError",
                          "UTCDateTime",
                          "User",
                          "utcnow",
]
