"""Broadcasts."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .accounts import enum_column
from .types import UTCDateTime, utcnow


class EpisodeStatus(str, enum.Enum):
    PLANNED = "planned"
    LIVE = "live"
    ENDED = "ended"


class Episode(Model):
    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    air_date: Mapped[date] = mapped_column(Date, index=True)
    scheduled_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[EpisodeStatus] = mapped_column(enum_column(EpisodeStatus), default=EpisodeStatus.PLANNED)
    # Raised by one on every change to the episode's live state; see PRODUCT.md "version".
    version: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the on-air graphic shows: "case" (the item on air), "commitment" (graphic_id), or
    # "none". Nothing reaches air unless a producer put it there.
    graphic_kind: Mapped[str] = mapped_column(String(20), default="none")
    graphic_id: Mapped[int | None] = mapped_column(Integer)
    # The rundown item the strap on program belongs to; it goes out when another item goes on air.
    graphic_item_id: Mapped[int | None] = mapped_column(Integer)
    graphic_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Auto-out: the strap leaves program by itself at this moment.
    graphic_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The strap cued to preview (not on air): "case", "commitment", "quote", or None.
    preview_kind: Mapped[str | None] = mapped_column(String(20))
    preview_id: Mapped[int | None] = mapped_column(Integer)
    # "Clear screen": every display shows the neutral standby frame until resumed.
    screen_cleared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Episode {self.number}>"
