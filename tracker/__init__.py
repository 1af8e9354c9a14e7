"""Face-to-Face Tracker (问政追踪)."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import api, cli, config, database, errors, i18n, realtime, security
from .admin.views import bp as admin_pages
from .auth import session as auth_session
from .auth.api import blp as auth_api
from .auth.views import bp as auth_pages
from .cases.api import blp as cases_api
from .cases.import_views import bp as cases_import_pages
from .cases.views import bp as cases_pages
from .commitments.api import blp as commitments_api
from .commitments.evidence_api import blp as evidence_api
from .commitments.present import bp as commitment_present
from .departments.api import blp as departments_api
from .display.views import bp as display_pages
from .disputes.api import blp as disputes_api
from .disputes.views import bp as dispute_pages
from .episodes.api import blp as episodes_api
from .extensions import db, limiter, migrate, socketio
from .follows.views import bp as follows_pages
from .followup.api import blp as followup_api
from .followup.views import bp as followup_pages
from .health import blp as health_api
from .letters.views import bp as letters_pages
from .live import events as live_events
from .live import packets, presence, snapshots
from .live.compression import NoWebSocketCompression
from .opendata.views import bp as opendata_pages
from .oversight.views import bp as oversight_pages
from .polls import batches, tallies
from .polls.api import blp as polls_api
from .polls.views import bp as polls_pages
from .public.api import blp as public_api
from .public.views import bp as public_pages
from .rundown.api import blp as rundown_api
from .studio.console import bp as console_pages
from .studio.views import bp as studio_pages
from .users.api import blp as users_api
from .users.api import own_tokens_blp as own_tokens_api
from .vote.views import bp as vote_pages
from .workspace.views import bp as workspace_pages

PACKAGE_ROOT = Path(__file__).parent
MIGRATIONS = PACKAGE_ROOT / "migrations"

API_BLUEPRINTS = (health_api, auth_api, own_tokens_api, departments_api, users_api, cases_api, episodes_api,
                  rundown_api, followup_api, commitments_api, evidence_api, public_api, polls_api,
                  disputes_api)
PAGE_BLUEPRINTS = (commitment_present, auth_pages, public_pages, studio_pages, console_pages, workspace_pages,
                   oversight_pages, admin_pages, cases_pages, cases_import_pages, display_pages, followup_pages,
                   letters_pages, opendata_pages, follows_pages, polls_pages, vote_pages, dispute_pages)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; `test_config` overrides what the environment says."""
    instance_path = Path(test_config["INSTANCE_PATH"]) if test_config and "INSTANCE_PATH" in test_config \
        else config.default_instance_path()
    instance_path.mkdir(parents=True, exist_ok=True)
    config.require_writable(instance_path)
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    configure(app, instance_path, test_config)
    init_extensions(app)
    for blueprint in API_BLUEPRINTS:
        api.api.register_blueprint(blueprint)
    for pages in PAGE_BLUEPRINTS:
        app.register_blueprint(pages)
    cli.init_app(app)
    return app


def configure(app: Flask, instance_path: Path, test_config: dict | None) -> None:
    app.config.update(config.DEFAULTS)
    app.config.update(config.from_environment(instance_path))
    app.config.update(test_config or {})
    app.config.setdefault("REDIS_NAMESPACE", config.redis_namespace(app.config["SQLALCHEMY_DATABASE_URI"]))
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["REDIS_NAMESPACE"])
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        # Flask's documented way to add WSGI middleware; its annotation sees only the method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)
    limiter.init_app(app)
    auth_session.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    snapshots.init_app(app)
    presence.init_app(app)
    tallies.init_app(app)
    batches.init_app(app)
    # async_handlers=False: one client's events are handled in the order they were sent.
    # Pings: see LIVE_PING_INTERVAL in config.py.
    socketio.init_app(app, async_mode=app.config["ASYNC_MODE"], message_queue=app.config["MESSAGE_QUEUE"],
                      # CORS stays the default, same origin only: /control rides on a producer's session.
                      channel=app.config["REDIS_NAMESPACE"] + ":socketio",
                      async_handlers=False, ping_interval=app.config["LIVE_PING_INTERVAL"],
                      ping_timeout=app.config["LIVE_PING_TIMEOUT"],
                      json=packets)  # a state goes out as the text it was encoded to once
    live_events.register(socketio)
    realtime.init_app(app)
    if not app.config["WEBSOCKET_COMPRESSION"]:
        # Outside Socket.IO's middleware (Flask's way to add WSGI middleware; typed as a method).
        app.wsgi_app = NoWebSocketCompression(app.wsgi_app)  # type: ignore[method-assign]
