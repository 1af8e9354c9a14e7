"""Fixtures: an app per test, clients, and API helpers.

Which database a test runs on — the rule for everyone adding tests:

- The `app` fixture (and so `client`, `make`, `api`, …) is SQLite by default. Pages, permissions,
  forms, i18n, presenters and most API behaviour do not depend on the database; running them
  twice only doubled the suite's time.
- Mark a test `@pytest.mark.both_databases` (or a whole module with
  `pytestmark = pytest.mark.both_databases`) when the database can behave differently: locks,
  compare-and-set versions and concurrency, constraints (unique indexes, one on-air item),
  migrations, search and text queries, SQL aggregates (league table, medians), date and time
  arithmetic in SQL, JSON columns, row-locking queues (reminders, the outbox), upserts. It then
  runs once on SQLite and once on PostgreSQL (ids `[sqlite]` and `[postgresql]`).
- When in doubt, mark it: a test that runs twice costs a fraction of a second; a PostgreSQL-only
  bug found in production costs a show.

Without PostgreSQL the `[postgresql]` tests skip; under TRACKER_REQUIRE_SERVICES=1 (CI) they fail.
"""
from __future__ import annotations

import contextvars
import os

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from tracker import create_app
from tracker.extensions import db, socketio

from .databases import SQLiteTemplate, connect_postgres, missing_service, scratch_postgres
from .factories import Factory
from .helpers import ApiClient, Inbox
from .servers import free_port

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return SQLiteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    database = connect_postgres(tmp_path_factory.mktemp("postgres"))
    yield database
    if not isinstance(database, str):
        database.close()


def database_url(kind: str, request, tmp_path) -> str:
    if kind == "sqlite":
        return request.getfixturevalue("sqlite_template").fresh_copy(tmp_path / "tracker.db")
    database = request.getfixturevalue("postgres")
    if isinstance(database, str):
        missing_service(database)
    return database.empty()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Without this, a request made while the test holds an app context (the `make` fixture
    keeps one open) would share the test's `g` and database session — and, for example,
    see the user a previous request loaded.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(url: str, tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MESSAGE_QUEUE": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_CHEAP": True,
        # Tests read whole states after each change; tests/test_live_patch.py turns patches on.
        "LIVE_PATCHES": False,
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    return application


def pytest_generate_tests(metafunc):
    """`both_databases` tests get the `app` fixture once per database (see the docstring above)."""
    if "app" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("postgresql_only"):
        metafunc.parametrize("app", ["postgresql"], indirect=True)
    elif metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("app", DATABASES, indirect=True)


def app_with(request, tmp_path, **overrides):
    """The app on a fresh, migrated database (SQLite, or the parametrised one), with `overrides`
    in its config; disposed of afterwards. For a module's own `app` fixture."""
    kind = getattr(request, "param", "sqlite")
    application = make_app(database_url(kind, request, tmp_path), tmp_path, **overrides)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(request, tmp_path):
    """The app on a fresh, migrated database: SQLite, or each database under `both_databases`."""
    yield from app_with(request, tmp_path)


@pytest.fixture
def sqlite_app(request, tmp_path):
    """For tests whose subject is not the database (pages, the browser): SQLite only."""
    application = make_app(database_url("sqlite", request, tmp_path), tmp_path)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """A database with no schema at all: SQLite, then PostgreSQL (migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    yield from scratch_postgres("tracker_history")


@pytest.fixture
def fresh_postgres():
    """A PostgreSQL database with no schema at all."""
    yield from scratch_postgres("tracker_initdb")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Builds data: `make.department()`, `make.user("producer")`, `make.case()` …"""
    with app.app_context():
        yield Factory()


@pytest.fixture
def api(app, make):
    """`api.as_role("producer").post(...)`: a test client that authenticates with a token."""
    return ApiClient(app, make)


SMTP_BASE_URL = "https://tracker.example"


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free port, and the app configured to mail through it (links in
    the mail start with SMTP_BASE_URL); the `Inbox` of what it was given."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{controller.port}", BASE_URL=SMTP_BASE_URL,
                      MAIL_FROM="问政追踪 <tracker@tv.example>")
    yield inbox
    controller.stop()


@pytest.fixture
def socket_client(app, client):
    def connect(namespace="/live", auth=None):
        return socketio.test_client(app, namespace=namespace, auth=auth, flask_test_client=client)
    return connect


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under TRACKER_REQUIRE_SERVICES=1 (CI) a skipped test is a failed one: nothing may hide."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("TRACKER_REQUIRE_SERVICES") == "1" and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped while TRACKER_REQUIRE_SERVICES=1: {report.longrepr}"
