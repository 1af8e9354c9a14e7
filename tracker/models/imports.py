"""Hotline imports run as background jobs: what was uploaded, how far the job is, what it did."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .accounts import enum_column
from .types import UTCDateTime, utcnow


class ImportState(str, enum.Enum):
    QUEUED = "queued"            # uploaded; the preview has not started
    PREVIEWING = "previewing"    # reading the file and checking its rows (the dry run)
    PREVIEWED = "previewed"      # the preview waits for the producer's mapping and confirmation
    IMPORTING = "importing"      # applying the confirmed plan
    DONE = "done"
    FAILED = "failed"


RUNNING = (ImportState.QUEUED, ImportState.PREVIEWING, ImportState.IMPORTING)


class ImportJob(Model):
    """One uploaded export, from the upload to its result.

    `options` holds the producer's choices (`mapping`, `confirm_aired`, `replace_public_text`)
    and the language the messages speak; `preview` and `result` hold what the page shows, so
    that it is never computed again on the request path. `runner` is `host:pid` of the process
    running the job: a job whose process is gone is marked failed when it is next read.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    upload_token: Mapped[str] = mapped_column(String(64))
    options: Mapped[Any] = mapped_column(JSON, default=dict)
    state: Mapped[ImportState] = mapped_column(enum_column(ImportState), default=ImportState.QUEUED)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_processed: Mapped[int] = mapped_column(Integer, default=0)
    preview: Mapped[Any] = mapped_column(JSON, nullable=True)
    result: Mapped[Any] = mapped_column(JSON, nullable=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    runner: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def running(self) -> bool:
        return self.state in RUNNING
