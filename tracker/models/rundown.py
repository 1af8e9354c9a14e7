"""An episode's running order and its append-only log."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .accounts import enum_column
from .cases import Case
from .commitments import Commitment
from .types import UTCDateTime, utcnow


class ItemState(str, enum.Enum):
    QUEUED = "queued"
    STANDBY = "standby"
    ON_AIR = "on_air"
    DONE = "done"
    SKIPPED = "skipped"
    HELD = "held"


def _one_per_episode(name: str, state: str) -> Index:
    # The database itself refuses a second on-air (or standby) item in an episode.
    condition = text(f"state = '{state}'")
    return Index(name, "episode_id", unique=True, sqlite_where=condition, postgresql_where=condition)


class ItemKind(str, enum.Enum):
    CASE = "case"           # one case, discussed on air
    FOLLOWUP = "followup"   # 回头看: a block reporting back on earlier commitments


class RundownItem(Model):
    """A case placed in an episode's running order, or a follow-up block of commitments."""

    __tablename__ = "rundown_items"
    __table_args__ = (
        UniqueConstraint("episode_id", "case_id"),
        _one_per_episode("uq_rundown_items_one_on_air", "on_air"),
        _one_per_episode("uq_rundown_items_one_standby", "standby"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind), default=ItemKind.CASE,
                                           server_default=ItemKind.CASE.value)
    # Set for a case item; None for a follow-up block.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # A follow-up block's heading (a case item is headed by its case).
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[ItemState] = mapped_column(enum_column(ItemState), default=ItemState.QUEUED)
    planned_seconds: Mapped[int | None] = mapped_column(Integer)
    # The current (or last) stint on air; actual_seconds adds up every stint.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actual_seconds: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case | None] = relationship()
    followups: Mapped[list[RundownFollowup]] = relationship(
        back_populates="item", order_by="RundownFollowup.position", cascade="all, delete-orphan")


class RundownFollowup(Model):
    """One commitment reported back on in a follow-up block, in the block's order."""

    __tablename__ = "rundown_followups"
    __table_args__ = (UniqueConstraint("item_id", "commitment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rundown_items.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    item: Mapped[RundownItem] = relationship(back_populates="followups")
    commitment: Mapped[Commitment] = relationship()


class RundownEvent(Model):
    """One change to what an episode shows: who, what, when, and what it showed before and after.

    Append-only: nothing updates or deletes a row. An undo is a new event that names the
    event it reverts.
    """

    __tablename__ = "rundown_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    reverts_event_id: Mapped[int | None] = mapped_column(ForeignKey("rundown_events.id"))
    before: Mapped[Any] = mapped_column(JSON)
    after: Mapped[Any] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
