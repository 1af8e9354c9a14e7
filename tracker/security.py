"""Protections every response and every page form gets."""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, abort, current_app, request
from flask_babel import gettext as _

from .bounds import CONTROL_CHARACTERS
from .extensions import csrf

# No inline scripts or styles anywhere: every page's JavaScript is a static module.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])


def without_page_csrf(view: Callable) -> Callable:
    """Mark a page view that decides about the CSRF token itself: a mail program's one-click
    unsubscribe (RFC 8058) cannot send one."""
    view.checks_own_csrf = True  # type: ignore[attr-defined]  # a mark the CSRF guard reads
    return view


def protect_page_forms() -> None:
    """Every state-changing page request carries the CSRF token (API requests are checked in api.py)."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if request.path.startswith(("/api/", "/socket.io")):
        return
    if getattr(current_app.view_functions.get(request.endpoint or ""), "checks_own_csrf", False):
        return
    csrf.protect()


def refuse_control_characters() -> None:
    """A page form whose text holds a control character is refused (422) before any view runs:
    none can be typed, and stored they would break the XML feeds and spreadsheets later."""
    if request.method != "POST" or request.path.startswith(("/api/", "/socket.io")):
        return  # the API checks its fields one by one (api.BoundedParser)
    if any(CONTROL_CHARACTERS.search(value) for value in request.form.values()):
        abort(422, _("The text holds control characters (invisible codes no keyboard types). "
                     "Remove them and send the form again."))


class _PrintableLogRecord(logging.LogRecord):
    """A log line never carries a control character from a request: an ESC in a path would be
    a terminal escape sequence in whoever reads the log. They are shown as `\\x1b`."""

    def getMessage(self) -> str:  # noqa: N802 - logging's name
        return CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", super().getMessage())


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/api/") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.before_request(protect_page_forms)
    app.before_request(refuse_control_characters)
    logging.setLogRecordFactory(_PrintableLogRecord)
    app.after_request(add_security_headers)
