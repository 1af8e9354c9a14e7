"""Login throttling: repeated failures answer 429 for a while, per username and per address.

Only failed attempts count (`deduct_when`); a limit shared by the login page and the login
API means switching between them gains nothing.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter


def _attempted_username() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    username = data.get("username") if isinstance(data, dict) or hasattr(data, "get") else None
    return str(username or "").strip().lower()[:64]


def _failed(_response) -> bool:  # noqa: ANN001
    return bool(g.get("login_failed"))


def record_failure() -> None:
    g.login_failed = True


per_username = limiter.shared_limit(
    lambda: current_app.config["LOGIN_USER_LIMIT"], scope="login-username",
    key_func=lambda: "user:" + _attempted_username(), deduct_when=_failed, methods=["POST"],
)
per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], scope="login-address",
    key_func=get_remote_address, deduct_when=_failed, methods=["POST"],
)
