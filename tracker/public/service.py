"""Figures for the public start page: only what may be shown to anyone."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import Case, CaseDepartment, CaseStatus, Episode, EpisodeStatus


@dataclass(frozen=True)
class PublicFigures:
    episodes_aired: int
    cases_aired: int
    departments_questioned: int


@dataclass(frozen=True)
class AiredEpisode:
    number: int
    title: str
    air_date: date


def figures() -> PublicFigures:
    """Counts anyone may see: broadcasts held, cases put on air, departments that answered."""
    episodes = select(func.count(Episode.id)).where(Episode.status == EpisodeStatus.ENDED)
    cases = select(func.count(Case.id)).where(Case.status == CaseStatus.AIRED)
    departments = (
        select(func.count(func.distinct(CaseDepartment.department_id)))
        .join(Case, Case.id == CaseDepartment.case_id)
        .where(Case.status == CaseStatus.AIRED)
    )
    return PublicFigures(
        episodes_aired=db.session.scalar(episodes) or 0,
        cases_aired=db.session.scalar(cases) or 0,
        departments_questioned=db.session.scalar(departments) or 0,
    )


def latest_episodes(limit: int = 5) -> list[AiredEpisode]:
    """The most recent broadcasts that have ended: number, title and date only."""
    query = (
        select(Episode.number, Episode.title, Episode.air_date)
        .where(Episode.status == EpisodeStatus.ENDED)
        .order_by(Episode.air_date.desc(), Episode.number.desc())
        .limit(limit)
    )
    return [AiredEpisode(number, title, air_date) for number, title, air_date in db.session.execute(query)]
