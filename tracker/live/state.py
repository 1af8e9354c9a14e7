"""The `state` every display receives (PRODUCT.md, "Live push"). Public data only.

Nothing here reads a complainant's name or phone: the case is described by its reference,
title, summary and departments, and that is all a display, a vote page or OBS ever gets.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import NotFoundError
from ..extensions import db
from ..models import CaseDepartment, Commitment, Episode, ItemState, RundownItem
from ..models.cases import Case


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _case_brief(case: Case) -> dict:
    return {"id": case.id, "ref": case.ref, "title": case.title}


def _case_full(case: Case) -> dict:
    return {**_case_brief(case), "summary": case.summary, "location": case.location,
            "departments": [link.department.name for link in case.department_links]}


def _featured(item: RundownItem | None) -> dict | None:
    if item is None:
        return None
    return {"item_id": item.id, "started_at": _iso(item.started_at), "planned_seconds": item.planned_seconds,
            "actual_seconds": item.actual_seconds, "case": _case_full(item.case)}


def _commitment(commitment: Commitment) -> dict:
    return {"id": commitment.id, "case_id": commitment.case_id, "department": commitment.department.name,
            "official_name": commitment.official_name, "official_title": commitment.official_title,
            "content": commitment.content, "deadline": commitment.deadline.isoformat()}


def _episode(episode: Episode) -> dict:
    return {"id": episode.id, "number": episode.number, "title": episode.title, "status": episode.status.value,
            "air_date": episode.air_date.isoformat(), "scheduled_start": _iso(episode.scheduled_start),
            "scheduled_end": _iso(episode.scheduled_end), "started_at": _iso(episode.started_at),
            "ended_at": _iso(episode.ended_at)}


def build_state(episode_id: int) -> dict:
    """The whole live state of an episode, as of its current version.

    Rows are read afresh (populate_existing) in a fixed, small number of queries, whatever the
    length of the running order: this runs once per change, on the path of every push.
    """
    fresh = {"populate_existing": True}
    episode = db.session.scalar(select(Episode).where(Episode.id == episode_id).execution_options(**fresh))
    if episode is None:
        raise NotFoundError("No such episode.")
    items = list(db.session.scalars(
        select(RundownItem).where(RundownItem.episode_id == episode_id)
        .options(selectinload(RundownItem.case).selectinload(Case.department_links)
                 .selectinload(CaseDepartment.department))
        .order_by(RundownItem.position, RundownItem.id).execution_options(**fresh)))
    commitments = list(db.session.scalars(
        select(Commitment).where(Commitment.episode_id == episode_id)
        .options(selectinload(Commitment.department)).order_by(Commitment.id).execution_options(**fresh)))
    in_state = {state: next((i for i in items if i.state is state), None) for state in (ItemState.ON_AIR, ItemState.STANDBY)}
    return {
        "version": episode.version,
        "episode": _episode(episode),
        "on_air": _featured(in_state[ItemState.ON_AIR]),
        "standby": _featured(in_state[ItemState.STANDBY]),
        "queue": [{"item_id": i.id, "state": i.state.value, "position": i.position,
                   "planned_seconds": i.planned_seconds, "case": _case_brief(i.case)} for i in items],
        "commitments": [_commitment(c) for c in commitments],
        "poll": None,
        "graphic": {"kind": episode.graphic_kind, "id": episode.graphic_id},
        "screen": {"cleared": episode.screen_cleared},
    }
