"""The databases the suite runs against: a SQLite file per test, and PostgreSQL.

PostgreSQL comes from `TRACKER_TEST_POSTGRES_URL` (default: the local server's `test`
database); the suite creates its own database beside it. Where PostgreSQL is unreachable its
tests skip with the reason — unless `TRACKER_REQUIRE_SERVICES=1`, which makes that a failure.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.config import normalise_database_url
from tracker.extensions import db

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SUITE_DATABASE = f"tracker_suite_{os.getpid()}"  # concurrent runs must not share one


def services_required() -> bool:
    return os.environ.get("TRACKER_REQUIRE_SERVICES") == "1"


def missing_service(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (TRACKER_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def migrate_to_head(url: str, instance: Path) -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "schema"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


class SQLiteTemplate:
    """One migrated database file, copied for each test (faster than migrating each time)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        migrate_to_head(f"sqlite:///{self.path}", folder)

    def fresh_copy(self, target: Path) -> str:
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"


class PostgresDatabase:
    """A database of our own on the PostgreSQL server, migrated once, emptied per test."""

    def __init__(self, admin_url: str, folder: Path) -> None:
        admin = make_url(normalise_database_url(admin_url))
        self._admin = admin
        self.url = admin.set(database=SUITE_DATABASE).render_as_string(hide_password=False)
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SUITE_DATABASE} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {SUITE_DATABASE}"))
        engine.dispose()
        migrate_to_head(self.url, folder)
        self._engine = create_engine(self.url)
        with self._engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'"))
            self.tables = [row[0] for row in rows]

    def empty(self) -> str:
        with self._engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
        return self.url

    def close(self) -> None:
        self._engine.dispose()
        engine = create_engine(self._admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SUITE_DATABASE} WITH (FORCE)"))
        engine.dispose()


def connect_postgres(folder: Path) -> PostgresDatabase | str:
    """The suite's PostgreSQL database, or the reason it cannot be had."""
    url = os.environ.get("TRACKER_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    try:
        return PostgresDatabase(url, folder)
    except Exception as error:  # noqa: BLE001 - unreachable server, missing driver: both mean "absent"
        return f"PostgreSQL is not reachable at {url}: {error.__class__.__name__}: {error}".splitlines()[0]


def scratch_postgres(prefix: str) -> Iterator[str]:
    """For a fixture: the URL of a new, empty PostgreSQL database `<prefix>_<pid>` (no schema at
    all), dropped afterwards; skips (fails under TRACKER_REQUIRE_SERVICES=1) without a server."""
    admin = make_url(normalise_database_url(os.environ.get("TRACKER_TEST_POSTGRES_URL", DEFAULT_POSTGRES)))
    name = f"{prefix}_{os.getpid()}"
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means it is absent
        missing_service(f"PostgreSQL is not reachable: {error.__class__.__name__}: {error}")
    yield admin.set(database=name).render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    engine.dispose()
