"""Protections every response and every page form gets."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, request

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
    view.checks_own_csrf = True  # type: ignore[attr-defined]
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
    app.after_request(add_security_headers)
