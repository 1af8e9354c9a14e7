"""Bringing the schema up to date, once, however many processes ask at the same time.

Two `tracker init-db` (or two hosts starting a deployment) on a fresh database would both find
no tables and both create them: the second fails half-way. So each takes a lock first — an
advisory lock on PostgreSQL, a lock file beside the SQLite database — and the second, once it
has the lock, finds the schema current and has nothing to do.
"""
from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from .extensions import db

# Any constant the deployment's other advisory locks do not use: "tracker" in ASCII.
ADVISORY_LOCK_KEY = 0x747261636B6572


def upgrade_schema() -> None:
    """Create or upgrade the schema to the newest migration (safe to run concurrently)."""
    with _schema_lock():
        upgrade()


@contextmanager
def _schema_lock() -> Iterator[None]:
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(Path(database).with_name(Path(database).name + ".schema-lock"), "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
