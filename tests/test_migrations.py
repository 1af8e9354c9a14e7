"""The schema's history: every revision upgrades a database that holds data, and the models
match what the migrations build (a model change without its migration fails here)."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import make_app
from tests.databases import DEFAULT_POSTGRES, missing_service
from tracker.config import normalise_database_url
from tracker.extensions import db
from tracker.search import include_name


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """A database with no schema at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    admin = make_url(normalise_database_url(os.environ.get("TRACKER_TEST_POSTGRES_URL", DEFAULT_POSTGRES)))
    name = f"tracker_history_{os.getpid()}"
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means it is absent
        missing_service(f"PostgreSQL is not reachable: {error}")
    yield admin.set(database=name).render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    engine.dispose()


FIRST_RELEASE_ROWS = [
    "INSERT INTO departments (id, code, name, kind, active, created_at) VALUES (1, 'zjj', '市住建局', 'municipal', true, '2026-11-01 00:00:00')",
    "INSERT INTO cases (id, ref, ref_year, ref_seq, title, summary, location, category, source, status, complainant_name, "
    "complainant_phone, created_at, updated_at) VALUES (1, 'SY-2026-0001', 2026, 1, '小区停水', '三天没水', '茅箭区', '供水', "
    "'hotline', 'aired', '张三', '13800000000', '2026-11-01 00:00:00', '2026-11-01 00:00:00')",
    "INSERT INTO episodes (id, number, title, air_date, status, version, graphic_kind, screen_cleared, created_at) "
    "VALUES (1, 1, '第一期', '2026-11-05', 'ended', 3, 'none', false, '2026-11-01 00:00:00')",
    "INSERT INTO rundown_items (id, episode_id, case_id, position, state, actual_seconds, created_at) "
    "VALUES (1, 1, 1, 0, 'done', 480, '2026-11-05 12:00:00')",
    "INSERT INTO commitments (id, episode_id, case_id, department_id, official_name, official_title, content, "
    "quote, deadline, original_deadline, status, progress_percent, created_at, updated_at) VALUES (1, 1, 1, 1, "
    "'王建国', '副局长', '立即调查', '', '2026-12-01', '2026-12-01', 'committed', 0, '2026-11-05 12:00:00', "
    "'2026-11-05 12:00:00')",
]


def test_the_first_release_upgrades_with_its_data_kept(empty_url, tmp_path):
    app = make_app(empty_url, tmp_path)
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            for statement in FIRST_RELEASE_ROWS:
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            item = connection.execute(text("SELECT kind, title, case_id FROM rundown_items")).one()
            commitment = connection.execute(text("SELECT content, vague_reason FROM commitments")).one()
        # An existing item is a case item; existing commitments are not re-judged retroactively.
        assert tuple(item) == ("case", "", 1)
        assert tuple(commitment) == ("立即调查", "")
        downgrade(revision="0001")
        upgrade()
        db.engine.dispose()


def test_the_models_match_the_migrations(empty_url, tmp_path):
    app = make_app(empty_url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
