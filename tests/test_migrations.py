"""The schema's history: every revision upgrades a database that holds data, and the models
match what the migrations build (a model change without its migration fails here)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.conftest import make_app
from tests.factories import FIRST_RELEASE_ROWS
from tracker.extensions import db
from tracker.search import include_name


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
