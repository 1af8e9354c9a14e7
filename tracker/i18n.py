"""Chinese first, English second: the visitor's choice is kept in the session."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .bounds import local_path
from .extensions import babel
from .permissions import ANYONE, allow

bp = Blueprint("i18n", __name__)

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "producer": _l("Producer"),
    "department": _l("Department staff"),
    "supervisor": _l("Supervisor"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def select_locale() -> str:
    if not has_request_context():  # the CLI speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang") or session.get("lang")
    if isinstance(chosen, str) and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.route("/lang/<code>")
@allow(ANYONE)
def switch_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(local_path(request.args.get("next")) or "/")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["TIMEZONE"])
    app.register_blueprint(bp)
    app.jinja_env.globals.update(role_label=role_label, get_locale=get_locale)
