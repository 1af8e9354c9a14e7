"""What goes to departments after the broadcast: assignment letters and reminder digests."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .accounts import Department, User
from .commitments import Commitment
from .episodes import Episode
from .types import UTCDateTime, utcnow


class AssignmentLetter(Model):
    """交办函: one numbered letter per episode and department, kept as it was issued.

    `items` is the letter's content frozen at issue time (the commitments, their officials
    and deadlines), so a reprint years later shows what was sent, whatever happened since.
    """

    __tablename__ = "assignment_letters"
    __table_args__ = (UniqueConstraint("year", "number"), UniqueConstraint("episode_id", "department_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    items: Mapped[Any] = mapped_column(JSON)

    episode: Mapped[Episode] = relationship()
    department: Mapped[Department] = relationship()
    issued_by: Mapped[User | None] = relationship()
    copies: Mapped[list[AssignmentLetterCopy]] = relationship(back_populates="letter",
                                                              order_by="AssignmentLetterCopy.id")


class AssignmentLetterCopy(Model):
    """抄送: a co-responsible department (配合单位) received a copy of the letter, as issued.

    Written with the letter and never changed: the departments named on it under 抄送 are the
    letter's `items["cc"]`; these rows let each of them find it among its own letters.
    """

    __tablename__ = "assignment_letter_copies"
    __table_args__ = (UniqueConstraint("letter_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("assignment_letters.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)

    letter: Mapped[AssignmentLetter] = relationship(back_populates="copies")
    department: Mapped[Department] = relationship()


class ReminderDigest(Model):
    """One day's digest for one department: what `tracker remind` sent (or is to send)."""

    __tablename__ = "reminder_digests"
    __table_args__ = (UniqueConstraint("department_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    day: Mapped[date] = mapped_column(Date)               # the Asia/Shanghai calendar day
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None until the mail server accepted it; a later run the same day retries only then.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipients: Mapped[Any] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(Text, default="")

    department: Mapped[Department] = relationship()
    items: Mapped[list[ReminderItem]] = relationship(back_populates="digest", order_by="ReminderItem.id",
                                                     cascade="all, delete-orphan")


class ReminderItem(Model):
    """One commitment in a digest, and why: new, due_soon or overdue."""

    __tablename__ = "reminder_items"
    __table_args__ = (UniqueConstraint("digest_id", "commitment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("reminder_digests.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))

    digest: Mapped[ReminderDigest] = relationship(back_populates="items")
    commitment: Mapped[Commitment] = relationship()
