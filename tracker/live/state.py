"""The `state` every display receives (PRODUCT.md, "Live push"). Public data only.

Nothing here reads a complainant's name or phone, nor the hotline text: the case is described
by its reference, public title and summary (personal data masked) and departments, and that
is all a display, a vote page or OBS ever gets.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..commitments import rules
from ..errors import NotFoundError
from ..extensions import db
from ..followup import board
from ..models import CaseDepartment, Commitment, Episode, ItemState, RundownFollowup, RundownItem
from ..models.cases import Case
from ..polls.present import state_poll


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _case_brief(case: Case) -> dict:
    return {"id": case.id, "ref": case.ref, "title": case.public_title}


def _case_full(case: Case) -> dict:
    return {**_case_brief(case), "summary": case.public_summary, "location": case.location,
            "departments": [link.department.name for link in case.department_links]}


def _block_brief(item: RundownItem) -> dict:
    # A follow-up block keeps the case's shape, so that clients that know only cases still work.
    return {"id": None, "ref": None, "title": item.title}


def _brief(item: RundownItem) -> dict:
    return _case_brief(item.case) if item.case is not None else _block_brief(item)


def _featured(item: RundownItem | None, progress: dict[int, dict]) -> dict | None:
    if item is None:
        return None
    featured = {"item_id": item.id, "kind": item.kind.value, "started_at": _iso(item.started_at),
                "planned_seconds": item.planned_seconds, "actual_seconds": item.actual_seconds}
    if item.case is not None:
        return {**featured, "case": _case_full(item.case)}
    return {**featured, "case": {**_block_brief(item), "summary": "", "location": "",
                                 "departments": board.departments_of(item)},
            "followup": board.followup_of(item, progress, rules.today())}


def _commitment(commitment: Commitment) -> dict:
    return {"id": commitment.id, "case_id": commitment.case_id, "department": commitment.department.name,
            "official_name": commitment.official_name, "official_title": commitment.official_title,
            "content": commitment.content, "deadline": commitment.deadline.isoformat(), "quote": commitment.quote,
            "spoken_at": _iso(commitment.spoken_at)}


def _graphic(episode: Episode) -> dict:
    preview = {"kind": episode.preview_kind, "id": episode.preview_id} if episode.preview_kind else None
    return {"kind": episode.graphic_kind, "id": episode.graphic_id, "item_id": episode.graphic_item_id,
            "taken_at": _iso(episode.graphic_taken_at), "out_at": _iso(episode.graphic_out_at), "preview": preview}


def _episode(episode: Episode) -> dict:
    return {"id": episode.id, "number": episode.number, "title": episode.title, "status": episode.status.value,
            "air_date": episode.air_date.isoformat(), "scheduled_start": _iso(episode.scheduled_start),
            "scheduled_end": _iso(episode.scheduled_end), "started_at": _iso(episode.started_at),
            "ended_at": _iso(episode.ended_at)}


@dataclass
class LiveRead:
    """The rows a state is built from, read once after a change: the state pushed to displays
    and the running order answered over HTTP both come from them."""

    episode: Episode
    items: list[RundownItem]
    commitments: list[Commitment]


def read_live(episode_id: int) -> LiveRead:
    """The episode, its running order and its commitments as of its current version.

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
                 .selectinload(CaseDepartment.department),
                 selectinload(RundownItem.followups).selectinload(RundownFollowup.commitment)
                 .options(selectinload(Commitment.department), selectinload(Commitment.case)))
        .order_by(RundownItem.position, RundownItem.id).execution_options(**fresh)))
    commitments = list(db.session.scalars(
        select(Commitment).where(Commitment.episode_id == episode_id, Commitment.withdrawn_at.is_(None))
        .options(selectinload(Commitment.department)).order_by(Commitment.id).execution_options(**fresh)))
    return LiveRead(episode, items, commitments)


def build_state(episode_id: int) -> dict:
    """The whole live state of an episode, as of its current version."""
    return state_of(read_live(episode_id))


def state_of(read: LiveRead) -> dict:
    episode, items = read.episode, read.items
    in_state = {state: next((i for i in items if i.state is state), None)
                for state in (ItemState.ON_AIR, ItemState.STANDBY)}
    # Only a block on air or on standby shows its commitments' progress: one query, or none.
    progress = board.latest_progress({link.commitment_id for item in in_state.values() if item is not None
                                      for link in item.followups})
    return {
        "version": episode.version,
        "episode": _episode(episode),
        "on_air": _featured(in_state[ItemState.ON_AIR], progress),
        "standby": _featured(in_state[ItemState.STANDBY], progress),
        "queue": [{"item_id": i.id, "kind": i.kind.value, "state": i.state.value, "position": i.position,
                   "planned_seconds": i.planned_seconds, "actual_seconds": i.actual_seconds,
                   "started_at": _iso(i.started_at), "ended_at": _iso(i.ended_at), "case": _brief(i),
                   **({"followup_count": len(i.followups)} if i.case_id is None else {})} for i in items],
        "commitments": [_commitment(c) for c in read.commitments],
        "poll": state_poll(episode.id),
        "graphic": _graphic(episode),
        "screen": {"cleared": episode.screen_cleared},
    }
