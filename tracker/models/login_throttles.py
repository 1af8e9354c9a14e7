"""Failed sign-ins, counted per client address and per username from that address."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime

EVERY_USERNAME = ""  # the `username` of an address's own row: its failures for any username


class LoginThrottle(Model):
    """Recent failed sign-ins from one address (`username` empty) or for one username from one
    address, and until when the next attempt from there waits. Kept in the database so every
    worker and host sees the same count; rows without a failure for a while are pruned."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("address", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64), default=EVERY_USERNAME)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    delayed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
