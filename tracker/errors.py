"""One error shape for the API, readable pages for the browser.

Under `/api/` every error, expected or not, answers
`{"error": {"code", "message", "fields"}}` with its HTTP status; a 500 never shows a trace.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

# The machine-readable code for each status we answer with.
CODES = {
    400: "malformed",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
}


class AppError(Exception):
    """A failure a user can cause, raised by services and views alike."""

    status = 400

    def __init__(self, message: str, *, fields: dict | None = None, code: str | None = None,
                 extra: dict | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.status = status or self.status
        self.code = code or CODES.get(self.status, "error")
        self.extra = extra or {}


class NotFoundError(AppError):
    status = 404


class ForbiddenError(AppError):
    status = 403


class ConflictError(AppError):
    status = 409


class InvalidError(AppError):
    """Field-level problems: `fields` maps a field name to its messages."""

    status = 422


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def error_body(status: int, message: str, *, code: str | None = None,
               fields: dict | None = None) -> dict[str, Any]:
    return {"error": {"code": code or CODES.get(status, "error"), "message": message,
                      "fields": fields or {}}}


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow/webargs nested messages into `{"a.b": ["…"]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_messages(value, name))
    elif isinstance(messages, (list, tuple)) and messages and not all(isinstance(m, str) for m in messages):
        for value in messages:
            flat.update(flatten_messages(value, prefix))
    else:
        items = messages if isinstance(messages, (list, tuple)) else [messages]
        flat.setdefault(prefix or "_schema", []).extend(str(m) for m in items)
    return flat


def _webargs_fields(error: HTTPException) -> dict[str, list[str]]:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    # webargs keys messages by location ("json", "query", "files" …); the location is noise.
    merged: dict[str, list[str]] = {}
    for value in messages.values() if isinstance(messages, dict) else []:
        merged.update(flatten_messages(value))
    return merged


def _http_message(error: HTTPException) -> str:
    data = getattr(error, "data", None) or {}
    if error.code == 400 and data.get("messages"):
        return "The request body is not valid JSON."
    if error.code == 422:
        return "Some fields are missing or invalid."
    return data.get("message") or error.description or error.name


def handle_http_exception(error: HTTPException):
    if not is_api_request():
        return render_error_page(error.code or 500, error.description), error.code
    fields = _webargs_fields(error) if error.code in (400, 422) else {}
    body = error_body(error.code or 500, _http_message(error), fields=fields)
    response = jsonify(body)
    response.status_code = error.code or 500
    for name, value in (error.get_headers() if hasattr(error, "get_headers") else []):
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    data = getattr(error, "data", None)  # flask-smorest's abort() puts extra headers here
    if data and data.get("headers"):
        response.headers.update(data["headers"])
    return response


def handle_app_error(error: AppError):
    if not is_api_request():
        return render_error_page(error.status, error.message), error.status
    body = error_body(error.status, error.message, code=error.code, fields=error.fields)
    body.update(error.extra)
    return jsonify(body), error.status


def handle_csrf_error(error: CSRFError):
    message = "The CSRF token is missing or invalid; send the one from login as X-CSRF-Token."
    if not is_api_request():
        return render_error_page(403, _("This form has expired. Go back, reload the page and try again.")), 403
    return jsonify(error_body(403, message, code="csrf_failed")), 403


def handle_unexpected(error: Exception):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if not is_api_request():
        return render_error_page(500), 500
    return jsonify(error_body(500, "Something went wrong on our side; it has been logged.")), 500


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The file is too large"),
    422: _l("Some of what you sent cannot be accepted"),
    429: _l("Too many attempts; please wait a moment"),
    500: _l("Something went wrong on our side"),
}


def render_error_page(status: int, detail: str | None = None) -> str:
    title = str(ERROR_TITLES.get(status, _l("Something went wrong")))
    try:
        return render_template("errors/error.html", status=status, title=title, detail=detail)
    except Exception:  # the error page itself must never fail
        current_app.logger.exception("Error page failed to render")
        return f"<h1>{status}</h1>"


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(Exception, handle_unexpected)
