"""Commitments: recorded on air, then followed to a verified result."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..episodes.changes import Change, episode_change, get_episode
from ..errors import InvalidError, NotFoundError
from ..extensions import db
from ..models import Case, Commitment, CommitmentEvent, Department, User
from .vague import vague_reason


def record(data: dict, actor: User | None) -> tuple[Commitment, Change]:
    """Store a commitment made on air; it becomes part of the episode's live state."""
    episode = get_episode(data["episode_id"])
    case = db.session.get(Case, data["case_id"])
    if case is None:
        raise InvalidError("No such case.", fields={"case_id": ["Unknown case."]})
    department = db.session.scalar(select(Department).where(Department.code == data["department_code"]))
    if department is None:
        raise InvalidError("No such department.", fields={"department_code": ["Unknown department code."]})
    if department.id not in {link.department_id for link in case.department_links}:
        raise InvalidError("This department is not responsible for the case.",
                           fields={"department_code": ["Not one of the case's departments."]})
    with episode_change(episode.id, None, actor, "commitment", after_end=True) as change:
        deadline: date = data["deadline"]
        content = data["content"].strip()
        commitment = Commitment(
            episode_id=episode.id, case_id=case.id, department_id=department.id,
            official_name=data["official_name"].strip(), official_title=data["official_title"].strip(),
            content=content, vague_reason=vague_reason(content)[:200], quote=(data.get("quote") or "").strip(),
            deadline=deadline, original_deadline=deadline, spoken_at=data.get("spoken_at") or change.now,
            created_by_id=actor.id if actor else None)
        db.session.add(commitment)
        db.session.flush()
        db.session.add(CommitmentEvent(commitment_id=commitment.id, actor_id=commitment.created_by_id,
                                       action="committed", before=None, after=timeline_view(commitment)))
        change.log({}, {"commitment_id": commitment.id})
    return commitment, change.result


def timeline_view(commitment: Commitment) -> dict:
    return {"status": commitment.status.value, "deadline": commitment.deadline.isoformat(),
            "official_name": commitment.official_name, "official_title": commitment.official_title,
            "content": commitment.content}


def get_commitment(commitment_id: int) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFoundError("No such commitment.")
    return commitment


def officials_seen(department_id: int, limit: int = 20) -> list[tuple[str, str]]:
    """Officials of a department who have made commitments before, most recent first (for suggestions)."""
    rows = db.session.execute(select(Commitment.official_name, Commitment.official_title)
                              .where(Commitment.department_id == department_id)
                              .order_by(Commitment.id.desc()).limit(limit * 3))
    seen: list[tuple[str, str]] = []
    for name, title in rows:
        if (name, title) not in seen:
            seen.append((name, title))
    return seen[:limit]
