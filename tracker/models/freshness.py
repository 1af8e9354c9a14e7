"""The public data's version: one row that every change to what the public tracker shows raises.

The public pages' caches and their `ETag`s are keyed by it, so one cheap primary-key read tells
every worker on every host whether what it computed is still true. The row is raised as the
last statement before a transaction commits (never earlier: taking its lock last means it can
never be part of a lock cycle with the rows the transaction changed), and only when the
transaction wrote to one of `PUBLIC_TABLES`. A change made outside the ORM (a bulk load, a
hand-written SQL fix) must call `bump()` itself or run `UPDATE data_version …` by hand.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Integer, Table, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, UOWTransaction, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow

# What the public pages and the public API read (timelines, evidence, broadcasts, cases and
# their departments, a vote's final tally). Ballots, users, tokens, mail and reminders are not among them, so a
# live vote or a sign-in does not empty the public caches.
PUBLIC_TABLES = frozenset({"commitments", "commitment_events", "extension_requests", "attachments", "episodes",
                           "cases", "case_departments", "rundown_items", "departments", "polls",
                           "commitment_disputes"})
_CHANGED = "tracker.public_data_changed"
_ROW = 1
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class DataVersion(Model):
    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def current(session: Session) -> tuple[int, datetime]:
    """The version and when it last moved; (0, EPOCH) before the first change."""
    row = session.execute(select(DataVersion.version, DataVersion.changed_at)
                          .where(DataVersion.id == _ROW)).first()
    return (row[0], row[1]) if row else (0, EPOCH)


def bump(session: Session) -> None:
    """Raise the version by one (creating the row if it is missing)."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(DataVersion.__table__).values(id=_ROW, version=1, changed_at=utcnow())
    statement = statement.on_conflict_do_update(
        index_elements=["id"], set_={"version": DataVersion.__table__.c.version + 1,
                                     "changed_at": statement.excluded.changed_at})
    session.execute(statement)


def _touches_public(objects: Iterable[object]) -> bool:
    return any(getattr(o, "__tablename__", None) in PUBLIC_TABLES for o in objects)


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if not session.info.get(_CHANGED) and (_touches_public(session.new) or _touches_public(session.dirty)
                                           or _touches_public(session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    # `update(Commitment)…` and friends do not pass through a flush.
    table = state.bind_mapper.local_table if state.bind_mapper is not None else None
    if (state.is_insert or state.is_update or state.is_delete) and isinstance(table, Table) \
            and table.name in PUBLIC_TABLES:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _raise_version(session: Session) -> None:
    session.flush()   # what is still pending counts too
    if session.info.pop(_CHANGED, False):
        bump(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    # What was rolled back changed nothing the public sees.
    session.info.pop(_CHANGED, None)
