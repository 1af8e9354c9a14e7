"""Engine behaviour that depends on the database: SQLite's pragmas and its single writer.

SQLite lets one connection write at a time. A connection that finds the write lock taken
waits inside SQLite's C code for up to `busy_timeout`; under gevent that wait blocks the
whole worker, every websocket included, and then fails with "database is locked". So within
a process, writers queue on a lock that gevent understands (the standard library's lock,
which the gevent worker has patched before the app is created) *before* SQLite sees the write.
Readers never take it: in WAL mode they read a snapshot while a writer works.

Python's sqlite3 module opens a transaction only at the first INSERT/UPDATE/DELETE, so
taking the lock at the first write of a session (ORM flush or DML statement) covers the
whole transaction, and releasing it when the session's transaction ends frees it again.
"""
from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from .extensions import db

BUSY_TIMEOUT_MS = 5000
_LOCK_HELD = "tracker.sqlite_write_lock_held"


class SQLiteWriteLock:
    """Serialises the writing sessions of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def acquire_for(self, session: Session) -> None:
        if session.info.get(_LOCK_HELD):
            return
        self._lock.acquire()
        session.info[_LOCK_HELD] = True

    def release_for(self, session: Session) -> None:
        if session.info.pop(_LOCK_HELD, False):
            self._lock.release()


# One lock per SQLite engine; sessions find theirs through the engine they are bound to.
_locks: weakref.WeakKeyDictionary[Engine, SQLiteWriteLock] = weakref.WeakKeyDictionary()


def init_app(app: Flask) -> None:
    """Apply the per-database engine settings; call after db.init_app."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
        _locks[engine] = SQLiteWriteLock()
        # Flask's documented way to add WSGI middleware; its annotation sees only the method.
        app.wsgi_app = YieldAfterEachResponse(app.wsgi_app)  # type: ignore[method-assign]


class YieldAfterEachResponse:
    """WSGI middleware: once a response has been sent, let the other clients take their turn.

    sqlite3 runs in C and never yields to gevent, so a request on SQLite holds the worker from
    start to end; and a keep-alive client whose next request is already waiting when its
    response has gone out is served again at once. Without a yield between the two, a few
    clients are served over and over while the others starve (in bench/public.py at 4
    connections: p95 4 s without it, 0.12 s — four requests' time — with it). The gevent worker
    has patched `time.sleep`; elsewhere it costs nothing.
    """

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        return _ThenYield(self.app(environ, start_response))


class _ThenYield:
    def __init__(self, body: Iterable[bytes]) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        # The server calls close() after the last byte of the response was written.
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            time.sleep(0)


def _set_sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _lock_of(session: Session) -> SQLiteWriteLock | None:
    if not _locks:
        return None
    try:
        bind = session.get_bind()
    except Exception:  # noqa: BLE001 - an unbound session has nothing to guard
        return None
    return _locks.get(bind.engine)  # a Connection's engine, or the Engine itself


# Listeners on the Session class, registered once: Flask-SQLAlchemy makes a session per
# context, and every session of a SQLite engine must queue.
@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        lock = _lock_of(session)
        if lock:
            lock.acquire_for(session)


@event.listens_for(Session, "do_orm_execute")
def _before_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        lock = _lock_of(state.session)
        if lock:
            lock.acquire_for(state.session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and session.info.get(_LOCK_HELD):
        lock = _lock_of(session)
        if lock:
            lock.release_for(session)
