"""Face-to-Face Tracker (问政追踪)."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import api, cli, config, database, errors, i18n, security
from .admin.views import bp as admin_pages
from .auth import session as auth_session
from .auth.api import blp as auth_api
from .auth.views import bp as auth_pages
from .cases.api import blp as cases_api
from .cases.views import bp as cases_pages
from .departments.api import blp as departments_api
from .dept.views import bp as dept_pages
from .extensions import db, limiter, migrate, socketio
from .health import blp as health_api
from .oversight.views import bp as oversight_pages
from .public.views import bp as public_pages
from .studio.views import bp as studio_pages
from .users.api import blp as users_api

PACKAGE_ROOT = Path(__file__).parent
MIGRATIONS = PACKAGE_ROOT / "migrations"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; `test_config` overrides what the environment says."""
    instance_path = config.default_instance_path()
    if test_config and "INSTANCE_PATH" in test_config:
        instance_path = Path(test_config["INSTANCE_PATH"])
    instance_path.mkdir(parents=True, exist_ok=True)

    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.config.update(config.DEFAULTS)
    app.config.update(config.from_environment(instance_path))
    if test_config:
        app.config.update(test_config)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)
    limiter.init_app(app)
    auth_session.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    for blueprint in (health_api, auth_api, departments_api, users_api, cases_api):
        api.api.register_blueprint(blueprint)
    for blueprint in (auth_pages, public_pages, studio_pages, dept_pages, oversight_pages,
                      admin_pages, cases_pages):
        app.register_blueprint(blueprint)
    socketio.init_app(app, async_mode=app.config["ASYNC_MODE"],
                      message_queue=app.config["MESSAGE_QUEUE"], cors_allowed_origins=[])
    cli.init_app(app)
    return app
