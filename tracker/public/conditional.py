"""`ETag` and `Last-Modified` on the public tracker's answers, and 304 to a conditional request.

An answer's validator is the public data's version (`cache.stamp`) with what else the answer
depends on: its path and query, and, for pages, the language, the signed-in user and the
session's form token (the follow form carries it). A conditional request that still matches
is answered 304 before the view runs, so a reader who refreshes costs one primary-key read.

Anonymous answers are `public` (a shared cache may keep them, revalidating each time); pages
for a signed-in user carry their name in the header and are `private`. Pages vary by the
session cookie, which holds the chosen language (the language is never taken from
`Accept-Language`).
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, time

from flask import Blueprint, Response, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.http import is_resource_modified

from ..commitments import rules
from . import cache

PUBLIC = "public, max-age=0, must-revalidate"
PRIVATE = "private, no-cache"
CSRF_SESSION_KEY = "csrf_token"     # Flask-WTF's default
# Endpoints that answer with validators of their own (a released evidence file).
OWN_VALIDATORS = frozenset({"public_api.public_evidence"})


def answer_conditionally(blueprint: Blueprint, *, pages: bool) -> None:
    """Give every GET answer of the blueprint its validators, and answer 304 where they match."""
    def before() -> Response | None:
        if not _applies():
            return None
        g.public_validators = _validators(pages)
        etag, last_modified = g.public_validators
        if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
            return Response(status=304)
        return None

    def after(response: Response) -> Response:
        validators = g.get("public_validators")
        if validators is None or response.status_code not in (200, 304):
            return response
        etag, last_modified = validators
        response.set_etag(etag)
        response.last_modified = last_modified
        # A page that has just put a new form token in the session is that visitor's alone.
        personal = pages and (current_user.is_authenticated
                              or session.get(CSRF_SESSION_KEY) != g.get("public_form_token"))
        response.headers["Cache-Control"] = PRIVATE if personal else PUBLIC
        if pages:
            response.vary.add("Cookie")
        if response.status_code == 200:
            response.make_conditional(request)
        return response

    blueprint.before_request(before)
    blueprint.after_request(after)


def _applies() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint not in OWN_VALIDATORS


def _validators(pages: bool) -> tuple[str, datetime]:
    version, changed_at, day = cache.stamp()
    parts = [str(version), f"{changed_at.timestamp():.6f}", day, request.full_path]
    if pages:
        user = current_user.get_id() if current_user.is_authenticated else "-"
        g.public_form_token = session.get(CSRF_SESSION_KEY)
        parts += [str(get_locale()), user or "-", str(g.public_form_token or "-")]
    etag = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    # What is overdue changes at midnight in Shanghai, without a write.
    midnight = datetime.combine(date.fromisoformat(day), time.min, rules.SHANGHAI)
    return etag, max(changed_at, midnight)
