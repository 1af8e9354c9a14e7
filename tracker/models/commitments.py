"""Commitments made on air, their timeline, extension requests and evidence."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column, relationship, with_loader_criteria

from ..extensions import Model
from .accounts import Department, User, enum_column
from .cases import Case
from .episodes import Episode
from .types import UTCDateTime, utcnow


class CommitmentStatus(str, enum.Enum):
    COMMITTED = "committed"
    IN_PROGRESS = "in_progress"
    CLAIMED_DONE = "claimed_done"
    VERIFIED = "verified"
    CLAIMED_UNFULFILLABLE = "claimed_unfulfillable"
    CLOSED_UNFULFILLED = "closed_unfulfilled"


class Satisfaction(str, enum.Enum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class Commitment(Model):
    __tablename__ = "commitments"
    # The public list's common narrowing (a department, a status) in its order (by deadline).
    __table_args__ = (Index("ix_commitments_status_deadline", "status", "deadline"),
                      Index("ix_commitments_department_status_deadline", "department_id", "status", "deadline"))

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    official_name: Mapped[str] = mapped_column(String(50))
    official_title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date] = mapped_column(Date, index=True)
    original_deadline: Mapped[date] = mapped_column(Date)
    # When it was said, on the broadcast's clock (for the tape and the follow-up report).
    spoken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[CommitmentStatus] = mapped_column(enum_column(CommitmentStatus, 30),
                                                     default=CommitmentStatus.COMMITTED, index=True)
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    # Why the supervisor should look at the wording ("立即调查" promises no deliverable); empty
    # when what was promised is concrete.
    vague_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction, 30))
    # Kept with the status for the league table (on-time rate, days to verification) at scale;
    # the timeline holds the same moments. `claimed_done_at` is the claim in force (cleared when
    # a supervisor sends it back); `closed_at` is when it was verified or closed as unfulfilled.
    claimed_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Recorded by mistake during the show and withdrawn: kept for the internal timeline, never
    # public, never on a display, never in a department's lists.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    episode: Mapped[Episode] = relationship()
    case: Mapped[Case] = relationship()
    department: Mapped[Department] = relationship()
    events: Mapped[list[CommitmentEvent]] = relationship(back_populates="commitment",
                                                         order_by="CommitmentEvent.id")
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(back_populates="commitment",
                                                                      order_by="ExtensionRequest.id")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="commitment", order_by="Attachment.id")

    @property
    def pending_extension(self) -> ExtensionRequest | None:
        """The extension request waiting for a supervisor's decision, if there is one."""
        return next((r for r in self.extension_requests if r.status is ExtensionStatus.PENDING), None)


class CommitmentEvent(Model):
    """One change in a commitment's life. Append-only: never edited, never deleted."""

    __tablename__ = "commitment_events"
    # A timeline in order; the latest public events over all commitments (the start page).
    __table_args__ = (Index("ix_commitment_events_commitment_id_id", "commitment_id", "id"),
                      Index("ix_commitment_events_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    before: Mapped[Any] = mapped_column(JSON)
    after: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    # What the public reads about this decision (personal data masked); `note` stays internal.
    public_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class TimelineImmutableError(RuntimeError):
    """Raised on any attempt to change or remove a timeline event."""


@event.listens_for(CommitmentEvent, "before_update")
def _refuse_event_update(_mapper: Mapper[Any], _connection: Connection, target: CommitmentEvent) -> None:
    raise TimelineImmutableError(f"Timeline event {target.id} cannot be changed.")


@event.listens_for(CommitmentEvent, "before_delete")
def _refuse_event_delete(_mapper: Mapper[Any], _connection: Connection, target: CommitmentEvent) -> None:
    raise TimelineImmutableError(f"Timeline event {target.id} cannot be deleted.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_event_changes(state: ORMExecuteState) -> None:
    # The mapper events above do not see `update(CommitmentEvent)` / `delete(...)` statements.
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is CommitmentEvent:
        raise TimelineImmutableError("Timeline events cannot be changed or deleted.")


class ExtensionStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    LAPSED = "lapsed"        # still pending when the commitment was verified or closed


class ExtensionRequest(Model):
    """A department's request to move a commitment's deadline; a supervisor decides it."""

    __tablename__ = "extension_requests"
    # The database itself refuses a second pending request for one commitment.
    __table_args__ = (Index("uq_extension_requests_pending", "commitment_id", unique=True,
                            sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The deadline when it was asked for, and the one asked for.
    current_deadline: Mapped[date] = mapped_column(Date)
    requested_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = mapped_column(enum_column(ExtensionStatus), default=ExtensionStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    commitment: Mapped[Commitment] = relationship(back_populates="extension_requests")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Attachment(Model):
    """Evidence for a commitment: an image or a PDF, stored outside `static/` under a random name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    # As the uploader's computer named it, cleaned; for display only, never a path.
    original_name: Mapped[str] = mapped_column(String(255))
    # Sniffed from the content, never taken from the upload's headers or name.
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="attachments")
    uploader: Mapped[User | None] = relationship()


# A withdrawn commitment was recorded by mistake: no query sees it — public pages and API,
# Open311, feeds, exports, statistics, department lists, reminders, letters, displays — unless
# it asks with `execution_options(include_withdrawn=True)` (the withdrawal itself, the log).
INCLUDE_WITHDRAWN = "include_withdrawn"


@event.listens_for(Session, "do_orm_execute")
def _hide_withdrawn(state: ORMExecuteState) -> None:
    if (state.is_select or state.is_update) and not state.execution_options.get(INCLUDE_WITHDRAWN, False):
        state.statement = state.statement.options(
            with_loader_criteria(Commitment, lambda cls: cls.withdrawn_at.is_(None), include_aliases=True))
