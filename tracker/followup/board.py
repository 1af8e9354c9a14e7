"""A follow-up block as `/live` carries it: public data only.

What was promised, by whom, by when, its status and progress — never a complainant, never a
progress note's text. "Latest progress" is the day and percent of the latest progress report.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..commitments import rules
from ..extensions import db
from ..models import Commitment, CommitmentEvent, RundownItem

PROGRESS_EVENT = "progress_reported"


def latest_progress(commitment_ids: set[int]) -> dict[int, dict]:
    """Each commitment's latest progress report: `{at, day, percent}` (`day` on the Asia/Shanghai
    calendar); one query, and the notes are not even read."""
    if not commitment_ids:
        return {}
    rows = db.session.execute(
        select(CommitmentEvent.commitment_id, CommitmentEvent.at, CommitmentEvent.after)
        .where(CommitmentEvent.commitment_id.in_(commitment_ids), CommitmentEvent.action == PROGRESS_EVENT)
        .order_by(CommitmentEvent.id))
    latest: dict[int, dict] = {}
    for commitment_id, at, after in rows:
        percent = after.get("progress_percent") if isinstance(after, dict) else None
        latest[commitment_id] = {"at": at.isoformat(), "day": at.astimezone(rules.SHANGHAI).date().isoformat(),
                                 "percent": percent}
    return latest


def urgency(commitment: Commitment, day: date) -> dict:
    """`{"kind": "overdue"|"due_soon"|"", "days": n}`, as the oversight pages word it."""
    if rules.is_overdue(commitment.deadline, commitment.status, day):
        return {"kind": "overdue", "days": (day - commitment.deadline).days}
    if rules.is_due_soon(commitment.deadline, commitment.status, day):
        return {"kind": "due_soon", "days": (commitment.deadline - day).days}
    return {"kind": "", "days": 0}


def board_commitment(commitment: Commitment, progress: dict | None, day: date) -> dict[str, Any]:
    case = commitment.case
    return {
        "id": commitment.id, "case_id": commitment.case_id, "case_ref": case.ref, "case_title": case.public_title,
        "department": commitment.department.name, "official_name": commitment.official_name,
        "official_title": commitment.official_title, "content": commitment.content,
        "deadline": commitment.deadline.isoformat(), "original_deadline": commitment.original_deadline.isoformat(),
        "status": commitment.status.value, "is_overdue": rules.is_overdue(commitment.deadline, commitment.status, day),
        "urgency": urgency(commitment, day), "progress_percent": commitment.progress_percent,
        "satisfaction": commitment.satisfaction.value if commitment.satisfaction else None,
        "latest_progress": progress,
    }


def followup_of(item: RundownItem, progress: dict[int, dict], day: date) -> dict:
    return {"title": item.title,
            "commitments": [board_commitment(link.commitment, progress.get(link.commitment_id), day)
                            for link in item.followups]}


def departments_of(item: RundownItem) -> list[str]:
    """The block's departments, each once, in the block's order."""
    return list(dict.fromkeys(link.commitment.department.name for link in item.followups))
