"""Commitments made on air, and their timeline."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
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


class Commitment(db.Model):
    __tablename__ = "commitments"

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
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction, 30))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    episode: Mapped[Episode] = relationship()
    case: Mapped[Case] = relationship()
    department: Mapped[Department] = relationship()
    events: Mapped[list[CommitmentEvent]] = relationship(back_populates="commitment",
                                                         order_by="CommitmentEvent.id")


class CommitmentEvent(db.Model):
    """One change in a commitment's life. Append-only: never edited, never deleted."""

    __tablename__ = "commitment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    before: Mapped[Any] = mapped_column(JSON)
    after: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
