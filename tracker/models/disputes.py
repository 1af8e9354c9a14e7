"""A follower's "not resolved" (群众反映未解决) on a verified commitment, and its outcome."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .accounts import User, enum_column
from .commitments import Commitment
from .subscriptions import Follow
from .types import UTCDateTime, utcnow


class DisputeStatus(str, enum.Enum):
    OPEN = "open"            # waiting in the supervisor's queue
    REOPENED = "reopened"    # the supervisor sent the commitment back to work
    ANSWERED = "answered"    # the supervisor answered, publicly, and the verification stands


class Dispute(Model):
    """A confirmed follower says a verified commitment is not resolved. Public (the statement
    masked); the follower's address never is."""

    __tablename__ = "commitment_disputes"
    # One open dispute per follower (a follow is one address on one commitment).
    __table_args__ = (Index("uq_commitment_disputes_open", "follow_id", unique=True,
                            sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    follow_id: Mapped[int] = mapped_column(ForeignKey("follows.id"), index=True)
    # As the follower typed it (for the supervisor), and with personal data masked (the public's).
    statement: Mapped[str] = mapped_column(Text)
    public_statement: Mapped[str] = mapped_column(Text)
    status: Mapped[DisputeStatus] = mapped_column(enum_column(DisputeStatus), default=DisputeStatus.OPEN,
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The supervisor's public answer (masked), or the public reason for reopening.
    answer: Mapped[str] = mapped_column(Text, default="")

    commitment: Mapped[Commitment] = relationship()
    follow: Mapped[Follow] = relationship()
    decided_by: Mapped[User | None] = relationship()
