"""Citizens following a commitment by email, and the mail waiting to go out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .commitments import Commitment
from .types import UTCDateTime, utcnow


class Follow(Model):
    """One address following one commitment: double opt-in, one-click unsubscribe.

    Only the SHA-256 of the link token is kept: a leaked database cannot confirm or cancel
    anyone's subscription.
    """

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("commitment_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The commitment's timeline event last told to this follower (none before the first).
    notified_event_id: Mapped[int | None] = mapped_column(Integer)

    commitment: Mapped[Commitment] = relationship()


class OutgoingMail(Model):
    """A message written in the same transaction as the change it reports, sent afterwards
    (`tracker send-mail`), so a change is never lost to a mail server being down."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
