"""The studio audience's vote on the case on air, and the ballots cast in it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .accounts import enum_column
from .cases import Case
from .types import UTCDateTime, utcnow


class Choice(str, enum.Enum):
    SATISFIED = "satisfied"                      # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"                  # 不满意


class CodeMode(str, enum.Enum):
    OFF = "off"              # anyone with the vote page may vote
    ROTATING = "rotating"    # the ballot carries the code shown on screen (30 s, accepted 90 s)
    STUDIO = "studio"        # the ballot carries a code printed on a seat card


class Poll(Model):
    """One vote on one running-order item (a case) of an episode.

    Open while `closed_at` is None; at most one open poll per episode (the database refuses a
    second). Closing stores the final tally in the row, so it is kept with the item and the case
    for good. A poll whose opening was undone is `cancelled`: closed, never public.
    """

    __tablename__ = "polls"
    __table_args__ = (
        Index("uq_polls_one_open", "episode_id", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rundown_items.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    code_mode: Mapped[CodeMode] = mapped_column(enum_column(CodeMode), default=CodeMode.OFF)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The timer: the poll closes by itself at this moment (None: only by hand).
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(default=False)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The final tally, stored at the close (None while open, and for a cancelled poll).
    final_satisfied: Mapped[int | None] = mapped_column(Integer)
    final_basically_satisfied: Mapped[int | None] = mapped_column(Integer)
    final_unsatisfied: Mapped[int | None] = mapped_column(Integer)

    case: Mapped[Case] = relationship()

    @property
    def final_counts(self) -> dict[str, int] | None:
        if self.final_satisfied is None:
            return None
        return {"satisfied": self.final_satisfied, "basically_satisfied": self.final_basically_satisfied or 0,
                "unsatisfied": self.final_unsatisfied or 0}


class Ballot(Model):
    """One device's ballot in a poll: the last one before the close counts (it is overwritten)."""

    __tablename__ = "ballots"
    # The live tally counts a poll's ballots by choice from the second index alone (0014).
    __table_args__ = (UniqueConstraint("poll_id", "device"), Index("ix_ballots_poll_id_choice", "poll_id", "choice"))

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    # The signed cookie's device id, or `seat:<n>` for a studio seat card.
    device: Mapped[str] = mapped_column(String(64))
    choice: Mapped[Choice] = mapped_column(enum_column(Choice))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
