"""Reading disputes: a commitment's (public record) and the supervisor's queue."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..errors import NotFoundError
from ..extensions import db
from ..models import Commitment, Dispute, DisputeStatus


def disputes_of(commitment_id: int) -> list[Dispute]:
    """Every dispute of the commitment, oldest first."""
    return list(db.session.scalars(select(Dispute).where(Dispute.commitment_id == commitment_id)
                                   .order_by(Dispute.id)))


def get(dispute_id: int) -> Dispute:
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFoundError("No such dispute.")
    return dispute


def queue(status: DisputeStatus | None, page: int, per_page: int) -> tuple[list[Dispute], int]:
    """Disputes in `status` (all when None), oldest first: the first raised is the first answered."""
    wanted = select(Dispute)
    if status is not None:
        wanted = wanted.where(Dispute.status == status)
    total = db.session.scalar(select(func.count()).select_from(wanted.subquery())) or 0
    rows = db.session.scalars(wanted.options(selectinload(Dispute.commitment).selectinload(Commitment.department),
                                             selectinload(Dispute.commitment).selectinload(Commitment.case))
                              .order_by(Dispute.id).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def open_count() -> int:
    return db.session.scalar(select(func.count(Dispute.id)).where(Dispute.status == DisputeStatus.OPEN)) or 0
