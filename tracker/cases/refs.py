"""Readable, unique case reference numbers: PREFIX-YEAR-NNNN (e.g. SY-2026-0042)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Case

SHANGHAI = ZoneInfo("Asia/Shanghai")


def assign_ref(case: Case, now: datetime | None = None) -> None:
    """Give a new case the next number of the current (Asia/Shanghai) year.

    Two writers can pick the same number on PostgreSQL; the unique constraint on
    (ref_year, ref_seq) refuses the second, and `save_with_ref` retries it.
    """
    year = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).year
    highest = db.session.scalar(select(func.max(Case.ref_seq)).where(Case.ref_year == year)) or 0
    case.ref_year, case.ref_seq = year, highest + 1
    prefix = current_app.config["CASE_REF_PREFIX"]
    case.ref = f"{prefix}-{year}-{case.ref_seq:04d}"
