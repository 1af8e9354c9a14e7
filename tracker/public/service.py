"""What the public tracker shows: only what anyone may see.

Never the complainant, never a note, never a member of staff by name (a timeline event says
which role acted), never evidence a supervisor has not released — the same line as
`schemas.py` draws for the public API.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ..commitments import rules
from ..commitments.present import FieldChange, event_requested_late, timeline_changes
from ..errors import NotFoundError
from ..extensions import db
from ..models import (
    Case,
    CaseDepartment,
    CaseStatus,
    Commitment,
    CommitmentEvent,
    CommitmentStatus,
    Department,
    Episode,
    EpisodeStatus,
    ItemKind,
    ItemState,
    RundownItem,
)
from .schemas import PUBLIC_ACTIONS, _public_values

EPISODE_COMMITMENTS_MAX = 500   # far more than one broadcast makes; keeps the page bounded
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")


@dataclass(frozen=True)
class PublicFigures:
    episodes_aired: int
    cases_aired: int
    departments_questioned: int


@dataclass(frozen=True)
class AiredEpisode:
    id: int
    number: int
    title: str
    air_date: date
    commitments: int
    verified: int


@dataclass(frozen=True)
class Update:
    """A recent public event of some commitment, for the start page."""

    commitment_id: int
    action: str
    at: datetime
    department: str
    content: str
    after: object = None


@dataclass(frozen=True)
class PublicEvent:
    """A timeline event as the public sees it: what, when, which role, which values moved."""

    action: str
    at: datetime
    role: str | None
    changes: list[FieldChange]
    requested_late: bool = False   # an extension asked after the deadline then in force (逾期后申请)
    public_reason: str = ""
    after: dict | None = None


@dataclass(frozen=True)
class PublicEvidence:
    id: int
    content_type: str
    size: int
    created_at: datetime

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


@dataclass(frozen=True)
class EpisodeCase:
    case: Case
    commitments: list[Commitment]


@dataclass(frozen=True)
class EpisodeTally:
    cases: int
    made: int
    verified: int
    overdue: int


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
    """The most recent broadcasts that have ended, with how many commitments each made and how
    many of those are verified."""
    made = func.count(Commitment.id)
    verified = func.count(case((Commitment.status == CommitmentStatus.VERIFIED, Commitment.id)))
    query = (
        select(Episode.id, Episode.number, Episode.title, Episode.air_date, made, verified)
        .outerjoin(Commitment, Commitment.episode_id == Episode.id)
        .where(Episode.status == EpisodeStatus.ENDED)
        .group_by(Episode.id, Episode.number, Episode.title, Episode.air_date)
        .order_by(Episode.air_date.desc(), Episode.number.desc())
        .limit(limit)
    )
    return [AiredEpisode(*row) for row in db.session.execute(query)]


def recent_updates(limit: int = 8) -> list[Update]:
    """The latest public events over all commitments, newest first."""
    query = (select(CommitmentEvent.commitment_id, CommitmentEvent.action, CommitmentEvent.at, Department.name,
                    Commitment.content, CommitmentEvent.after)
             .join(Commitment, Commitment.id == CommitmentEvent.commitment_id)
             .join(Department, Department.id == Commitment.department_id)
             .where(CommitmentEvent.action.in_(PUBLIC_ACTIONS))
             .order_by(CommitmentEvent.at.desc(), CommitmentEvent.id.desc())
             .limit(limit))
    return [Update(*row) for row in db.session.execute(query)]


def get_commitment(commitment_id: int) -> Commitment:
    query = (select(Commitment).where(Commitment.id == commitment_id)
             .options(selectinload(Commitment.events).selectinload(CommitmentEvent.actor),
                      selectinload(Commitment.attachments), selectinload(Commitment.case),
                      selectinload(Commitment.department), selectinload(Commitment.episode)))
    commitment = db.session.scalar(query)
    if commitment is None:
        raise NotFoundError("No such commitment.")
    return commitment


def public_events(commitment: Commitment) -> list[PublicEvent]:
    """The timeline, oldest first, without notes, names or any value but the public ones."""
    events = []
    for event in commitment.events:
        if event.action not in PUBLIC_ACTIONS:
            continue
        values = _EventValues(event.action, _public_values(event.before), _public_values(event.after))
        role = event.actor.role.value if event.actor else None
        events.append(PublicEvent(event.action, event.at, role, timeline_changes(values),
                                  requested_late=event_requested_late(event), public_reason=event.public_reason,
                                  after=values.after))
    return events


@dataclass(frozen=True)
class _EventValues:
    """What `timeline_changes` reads of an event, holding only its public values."""

    action: str
    before: dict | None
    after: dict | None


def released_evidence(commitment: Commitment) -> list[PublicEvidence]:
    return [PublicEvidence(a.id, a.content_type, a.size, a.created_at) for a in commitment.attachments if a.public]


def get_episode(episode_id: int) -> Episode:
    """A broadcast that has begun; one still being planned is not public (its running order is
    the producers' draft)."""
    episode = db.session.get(Episode, episode_id)
    if episode is None or episode.status is EpisodeStatus.PLANNED:
        raise NotFoundError("No such episode.")
    return episode


def episode_cases(episode: Episode) -> list[EpisodeCase]:
    """The cases put on air in this broadcast, in running order, each with its commitments;
    then any other case a commitment of the broadcast was made for."""
    aired = db.session.scalars(
        select(RundownItem).where(RundownItem.episode_id == episode.id, RundownItem.kind == ItemKind.CASE,
                                  RundownItem.case_id.is_not(None),
                                  RundownItem.state.in_((ItemState.ON_AIR, ItemState.DONE)))
        .options(selectinload(RundownItem.case)).order_by(RundownItem.position))
    commitments = db.session.scalars(
        select(Commitment).where(Commitment.episode_id == episode.id)
        .options(selectinload(Commitment.case), selectinload(Commitment.department))
        .order_by(Commitment.id).limit(EPISODE_COMMITMENTS_MAX)).all()
    cases: dict[int, EpisodeCase] = {}
    for item in aired:
        if item.case_id is not None and item.case is not None:  # the query asks for case items
            cases[item.case_id] = EpisodeCase(item.case, [])
    for commitment in commitments:
        cases.setdefault(commitment.case_id, EpisodeCase(commitment.case, [])).commitments.append(commitment)
    return list(cases.values())


def tally(cases: list[EpisodeCase]) -> EpisodeTally:
    made = [c for entry in cases for c in entry.commitments]
    today = rules.today()
    return EpisodeTally(cases=len(cases), made=len(made),
                        verified=sum(c.status is CommitmentStatus.VERIFIED for c in made),
                        overdue=sum(rules.is_overdue(c.deadline, c.status, today) for c in made))


def get_department(code: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise NotFoundError("No such department.")
    return department


@dataclass(frozen=True)
class DepartmentChoice:
    code: str
    name: str


@dataclass(frozen=True)
class EpisodeChoice:
    id: int
    number: int
    title: str


def departments_with_commitments() -> list[DepartmentChoice]:
    """The departments a citizen can filter by: those that have made a commitment."""
    made = select(Commitment.department_id).distinct()
    query = select(Department.code, Department.name).where(Department.id.in_(made)).order_by(Department.name)
    return [DepartmentChoice(*row) for row in db.session.execute(query)]


def aired_episodes() -> list[EpisodeChoice]:
    """Every broadcast that has begun, newest first (for the list's filter)."""
    query = (select(Episode.id, Episode.number, Episode.title).where(Episode.status != EpisodeStatus.PLANNED)
             .order_by(Episode.air_date.desc(), Episode.number.desc()))
    return [EpisodeChoice(*row) for row in db.session.execute(query)]
