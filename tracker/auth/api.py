"""Session login for API clients: the cookie plus the CSRF token its writes must carry."""
from __future__ import annotations

from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..api import api_blueprint, no_csrf
from ..errors import AppError
from ..permissions import ANYONE, allow
from .schemas import LoginIn, LoginOut
from .service import authenticate
from .throttle import per_address, per_username, record_failure

blp = api_blueprint("auth_api", __name__, "/auth", description="Sessions for browser clients")


@blp.route("/login", methods=["POST"])
@allow(ANYONE)
@blp.arguments(LoginIn)
@blp.response(200, LoginOut)
@blp.alt_response(401, description="wrong username or password")
@blp.alt_response(429, description="too many failed attempts; see Retry-After")
@per_username
@per_address
@no_csrf
def login(credentials: dict):
    user = authenticate(credentials["username"], credentials["password"])
    if user is None:
        record_failure()
        raise AppError("Wrong username or password.", status=401, code="unauthenticated")
    login_user(user)
    return {"user": user, "csrf_token": generate_csrf()}


@blp.route("/logout", methods=["POST"])
@allow(ANYONE)
@blp.response(204)
def logout():
    logout_user()


@blp.route("/me", methods=["GET"])
@allow("admin", "producer", "department", "supervisor")
@blp.response(200, LoginOut)
def me():
    return {"user": current_user, "csrf_token": generate_csrf()}
