"""Session login for API clients: the cookie plus the CSRF token its writes must carry."""
from __future__ import annotations

from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import TooManyRequests

from ..api import api_blueprint, no_csrf
from ..errors import AppError
from ..permissions import ANYONE, allow
from .schemas import LoginIn, LoginOut
from .session import end_session, start_session
from .throttle import LoginDelayed, client_address, sign_in

blp = api_blueprint("auth_api", __name__, "/auth", description="Sessions for browser clients")


@blp.route("/login", methods=["POST"])
@allow(ANYONE)
@blp.arguments(LoginIn)
@blp.response(200, LoginOut, description="a new session (and a new CSRF token): whatever session "
                                         "the request carried is replaced")
@blp.alt_response(401, description="wrong username or password")
@blp.alt_response(429, description="this address, or this username from it, failed too often and must wait "
                                   "`Retry-After` seconds; a correct password from elsewhere is not affected")
@no_csrf
def login(credentials: dict):
    try:
        user = sign_in(credentials["username"], credentials["password"], client_address())
    except LoginDelayed as delay:
        raise TooManyRequests(f"Too many failed sign-ins from this address; try again in {delay.seconds} s.",
                              retry_after=delay.seconds) from None
    if user is None:
        raise AppError("Wrong username or password.", status=401, code="unauthenticated")
    return {"user": user, "csrf_token": start_session(user)}


@blp.route("/logout", methods=["POST"])
@allow(ANYONE)
@blp.response(204, description="every session of the account ends (other browsers too); "
                               "its API tokens keep working")
def logout():
    end_session()


@blp.route("/me", methods=["GET"])
@allow("admin", "producer", "department", "supervisor")
@blp.response(200, LoginOut)
def me():
    return {"user": current_user, "csrf_token": generate_csrf()}
