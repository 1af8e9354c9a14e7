"""How a request is authenticated: the session cookie, or a bearer token.

A request that carries `Authorization: Bearer …` is judged by that token alone, even if it
also has a session cookie, so scripts never inherit a browser's session by accident.
`g.auth_via` records which one it was: cookie-authenticated writes must pass the CSRF check.
"""
from __future__ import annotations

from flask import Flask, g, request

from ..extensions import db, login_manager
from ..models import User
from .service import user_for_token


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


@login_manager.user_loader
def load_session_user(user_id: str) -> User | None:
    if _bearer_token() is not None:
        return None
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is not None and user.active:
        g.auth_via = "session"
        return user
    return None


@login_manager.request_loader
def load_token_user(_request) -> User | None:  # noqa: ANN001
    token = _bearer_token()
    user = user_for_token(token) if token else None
    if user is not None:
        g.auth_via = "token"
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login_page"
    login_manager.session_protection = "basic"
