"""How a request is authenticated: the session cookie, or a bearer token.

A request that carries `Authorization: Bearer …` is judged by that token alone, even if it
also has a session cookie, so scripts never inherit a browser's session by accident.
`g.auth_via` records which one it was: cookie-authenticated writes must pass the CSRF check.

A session cookie holds the account's id and its session generation (`User.get_id`); a cookie
from an earlier generation is refused, so raising the generation (`service.end_sessions`)
ends every session of the account at once, wherever its cookies were copied to.
"""
from __future__ import annotations

from flask import Flask, Request, current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..extensions import db, login_manager
from ..models import User
from . import service
from .service import user_for_token


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


@login_manager.user_loader
def load_session_user(session_id: str) -> User | None:
    if _bearer_token() is not None:
        return None
    user_id, _, generation = session_id.partition(".")
    if not (user_id.isdigit() and generation.isdigit()):
        return None  # a cookie from before session generations, or not ours: sign in again
    user = db.session.get(User, int(user_id))
    if user is not None and user.active and user.session_generation == int(generation):
        g.auth_via = "session"
        return user
    return None


def start_session(user: User) -> str:
    """Sign the user in on this browser, in a fresh session with a fresh CSRF token (whatever
    the session held before — a planted cookie included — is dropped); the new CSRF token."""
    language = session.get("lang")
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # generate_csrf's cache
    if language:
        session["lang"] = language
    login_user(user)
    return generate_csrf()


def end_session() -> None:
    """Sign out: every session of the account ends (other browsers and copied cookies too);
    its API tokens stay, since integrations are not signed in through a browser."""
    if current_user.is_authenticated and g.get("auth_via") == "session":
        service.end_sessions(current_user._get_current_object(), revoke_tokens=False)
        db.session.commit()
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language


def renew_own_session(actor: User, user: User) -> None:
    """After `actor` changed their own account in a way that ended its sessions (a new password),
    keep the browser they did it from signed in; every other session stays ended."""
    if actor.id == user.id and g.get("auth_via") == "session" and user.active:
        login_user(user)


@login_manager.request_loader
def load_token_user(_request: Request) -> User | None:
    token = _bearer_token()
    user = user_for_token(token) if token else None
    if user is not None:
        g.auth_via = "token"
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login_page"
    login_manager.session_protection = "basic"
