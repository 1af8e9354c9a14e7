"""Accounts, roles and API tokens: administrators manage everyone's; anyone signed in, their own."""
from __future__ import annotations

from types import SimpleNamespace

from flask_login import current_user

from ..api import api_blueprint, page_of
from ..auth.session import renew_own_session
from ..models import ApiToken
from ..permissions import allow
from . import service
from .schemas import (
    AccountIn,
    AccountListOut,
    AccountOut,
    AccountPatch,
    AccountQuery,
    ApiTokenIn,
    ApiTokenOut,
    NewApiTokenOut,
)

# One blueprint for /users/… and /tokens/…, both for administrators only.
blp = api_blueprint("users_api", __name__, "", description="Accounts, roles and API tokens (administrators)")
own_tokens_blp = api_blueprint("own_tokens_api", __name__, "/auth/tokens",
                               description="Your own API tokens (any signed-in account)")

SIGNED_IN = ("admin", "producer", "department", "supervisor")


@blp.route("/users", methods=["GET"])
@allow("admin")
@blp.arguments(AccountQuery, location="query")
@blp.response(200, AccountListOut)
def list_users(query: dict):
    page, per_page = page_of(query)
    items, total = service.find_accounts(role=query.get("role"), department=query.get("department"),
                                         q=query.get("q"), active=query.get("active"),
                                         page=page, per_page=per_page)
    return {"items": items, "total": total}


@blp.route("/users", methods=["POST"])
@allow("admin")
@blp.arguments(AccountIn)
@blp.response(201, AccountOut)
@blp.alt_response(422, description="taken username, short password, bad e-mail, or a department "
                                   "that does not fit the role (see `fields`)")
def create_user(data: dict):
    return service.create_account(data["username"], data["password"], data["role"],
                                  department_code=data.get("department_code"), email=data.get("email"),
                                  display_name=data["display_name"])


@blp.route("/users/<int:user_id>", methods=["GET"])
@allow("admin")
@blp.response(200, AccountOut)
def get_user(user_id: int):
    return service.get_account(user_id)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@allow("admin")
@blp.arguments(AccountPatch)
@blp.response(200, AccountOut)
@blp.alt_response(409, description="this would leave no active administrator")
@blp.alt_response(422, description="invalid fields, or an administrator demoting or deactivating themself")
@blp.doc(description="A new `password`, `active` changed either way, a new `role` or department ends every "
                     "session of the account and revokes its API tokens (an administrator changing their own "
                     "password stays signed in on the browser they did it from).")
def update_user(changes: dict, user_id: int):
    actor = current_user._get_current_object()
    user = service.update_account(actor, service.get_account(user_id), changes)
    renew_own_session(actor, user)
    return user


@blp.route("/users/<int:user_id>/tokens", methods=["GET"])
@allow("admin")
@blp.response(200, ApiTokenOut(many=True), description="newest first; never the token itself")
def list_user_tokens(user_id: int):
    return service.tokens_of(service.get_account(user_id))


@blp.route("/users/<int:user_id>/tokens", methods=["POST"])
@allow("admin")
@blp.arguments(ApiTokenIn)
@blp.response(201, NewApiTokenOut)
@blp.alt_response(409, description="the account is deactivated")
def create_user_token(data: dict, user_id: int):
    return _shown_once(*service.create_token(service.get_account(user_id), data["name"]))


@blp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@allow("admin")
@blp.response(200, ApiTokenOut, description="the token, revoked (revoking twice changes nothing)")
def revoke_token(token_id: int):
    return service.revoke_token(token_id)


@own_tokens_blp.route("", methods=["GET"])
@allow(*SIGNED_IN)
@own_tokens_blp.response(200, ApiTokenOut(many=True), description="newest first; never the token itself")
def list_own_tokens():
    return service.tokens_of(current_user)


@own_tokens_blp.route("", methods=["POST"])
@allow(*SIGNED_IN)
@own_tokens_blp.arguments(ApiTokenIn)
@own_tokens_blp.response(201, NewApiTokenOut)
def create_own_token(data: dict):
    return _shown_once(*service.create_token(current_user, data["name"]))


@own_tokens_blp.route("/<int:token_id>/revoke", methods=["POST"])
@allow(*SIGNED_IN)
@own_tokens_blp.response(200, ApiTokenOut)
@own_tokens_blp.alt_response(404, description="no such token among yours")
def revoke_own_token(token_id: int):
    return service.revoke_own_token(current_user, token_id)


def _shown_once(record: ApiToken, token: str) -> SimpleNamespace:
    """The token's record together with the token itself, which is stored nowhere."""
    return SimpleNamespace(id=record.id, name=record.name, prefix=record.prefix, created_at=record.created_at,
                           revoked_at=record.revoked_at, token=token)
