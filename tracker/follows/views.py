"""The follow pages: ask to follow a commitment, confirm by the mailed link, stop following.

Every route is open to anyone: the link token is what proves the right to confirm or stop.
The unsubscribe POST also takes RFC 8058 one-click requests, which mail programs send without
a CSRF token (`List-Unsubscribe=One-Click` in the body); any other POST there needs the token.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_limiter.util import get_remote_address

from ..commitments import queries
from ..errors import AppError
from ..extensions import csrf, limiter
from ..permissions import ANYONE, allow
from ..security import without_page_csrf
from . import service
from .addresses import MAX_LENGTH, normalise_email

bp = Blueprint("follows", __name__)

ONE_CLICK = "One-Click"


def _asked_address() -> str:
    """The inbox a follow request would mail, whatever way it was spelt: `a@example.com.`,
    `A@EXAMPLE.COM`, a full-width `ａ@ｅｘａｍｐｌｅ．ｃｏｍ` and a `+tag` all count as one."""
    typed = (request.form.get("email") or "").strip()[:MAX_LENGTH]
    address = normalise_email(typed)
    if address is None:
        return "follow:" + typed.lower()  # refused anyway; still counted
    local, domain = address.split("@")
    return f"follow:{local.split('+')[0]}@{domain}"


# Mail costs the recipient attention: one address cannot be flooded from many places, nor
# many addresses from one place.
per_address = limiter.limit(lambda: current_app.config.get("FOLLOW_ADDRESS_LIMIT", "10 per hour"),
                            key_func=_asked_address, scope="follow-address", methods=["POST"])
per_client = limiter.limit(lambda: current_app.config.get("FOLLOW_CLIENT_LIMIT", "30 per hour"),
                           key_func=get_remote_address, scope="follow-client", methods=["POST"])


@bp.route("/commitments/<int:commitment_id>/follow", methods=["POST"])
@per_address
@per_client
@allow(ANYONE)
def follow(commitment_id: int):
    email = request.form.get("email", "")
    try:
        commitment = service.request_follow(commitment_id, email)
    except AppError as error:
        if "email" not in error.fields:
            raise
        commitment = queries.get_public(commitment_id)
        return render_template("follows/follow.html", commitment=commitment, follow_email=email,
                               follow_errors=error.fields["email"]), error.status
    return render_template("follows/requested.html", commitment=commitment)


@bp.route("/follow/confirm/<token>")
@allow(ANYONE)
def confirm(token: str):
    try:
        follow = service.confirm(token)
    except service.LinkError as error:
        return _bad_link(error)
    return render_template("follows/confirmed.html", commitment=follow.commitment,
                           unsubscribe_token=service.unsubscribe_token(follow))


@bp.route("/follow/unsubscribe/<token>")
@allow(ANYONE)
def unsubscribe_page(token: str):
    try:
        follow = service.find_by_unsubscribe_token(token)
    except service.LinkError as error:
        return _bad_link(error)
    return render_template("follows/unsubscribe.html", commitment=follow.commitment, token=token,
                           already=follow.unsubscribed_at is not None)


@bp.route("/follow/unsubscribe/<token>", methods=["POST"])
@without_page_csrf
@allow(ANYONE)
def unsubscribe(token: str):
    if request.form.get("List-Unsubscribe") != ONE_CLICK:
        csrf.protect()
    try:
        follow = service.unsubscribe(token)
    except service.LinkError as error:
        return _bad_link(error)
    return render_template("follows/unsubscribed.html", commitment=follow.commitment)


def _bad_link(error: service.LinkError):
    return render_template("follows/bad_link.html", message=error.message), 404
