"""Figures for the public charts, counted in SQL: commitments made and verified by month, and
how many stand in each status. Months are Asia/Shanghai calendar months."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import SQLColumnExpression, func, select

from ..commitments import rules
from ..extensions import db
from ..models import Commitment, CommitmentStatus


@dataclass(frozen=True)
class Month:
    month: str       # "2026-11"
    made: int
    verified: int


def _shanghai_month(column: SQLColumnExpression[Any]) -> SQLColumnExpression[str]:
    """The column's Asia/Shanghai month as "YYYY-MM"; times are stored as naive UTC (and
    Shanghai keeps no daylight saving time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", func.timezone("UTC", column)), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def _first_month(months: int, today: date) -> date:
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _month_keys(first: date, today: date) -> list[str]:
    keys, year, month = [], first.year, first.month
    while (year, month) <= (today.year, today.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _counts_by_month(column: SQLColumnExpression[Any], since: datetime,
                     *conditions: SQLColumnExpression[bool]) -> dict[str, int]:
    month = _shanghai_month(column)
    query = (select(month, func.count(Commitment.id)).where(column >= since, *conditions).group_by(month))
    return {key: count for key, count in db.session.execute(query) if key}


def by_month(months: int = 12, department_id: int | None = None) -> list[Month]:
    """The last `months` months, this one included: commitments made in each, and those
    verified in each (whenever they were made)."""
    today = rules.today()
    first = _first_month(months, today)
    since = datetime.combine(first, time.min, rules.SHANGHAI)
    scope = [Commitment.department_id == department_id] if department_id is not None else []
    made = _counts_by_month(Commitment.created_at, since, *scope)
    verified = _counts_by_month(Commitment.closed_at, since, Commitment.status == CommitmentStatus.VERIFIED, *scope)
    return [Month(key, made.get(key, 0), verified.get(key, 0)) for key in _month_keys(first, today)]


def status_counts(department_id: int | None = None) -> dict[CommitmentStatus, int]:
    """How many commitments stand in each status today, every status listed (in the lifecycle's order)."""
    query = select(Commitment.status, func.count(Commitment.id)).group_by(Commitment.status)
    if department_id is not None:
        query = query.where(Commitment.department_id == department_id)
    counts = dict(db.session.execute(query).all())
    return {status: counts.get(status, 0) for status in CommitmentStatus}

