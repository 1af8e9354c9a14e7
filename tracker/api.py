"""The frame every JSON endpoint stands in: one OpenAPI document, guards on every request.

flask-smorest builds the OpenAPI 3 document from the same marshmallow schemas that
`@blueprint.arguments` uses to validate request bodies and query strings, so the document
and the validation cannot drift apart.
"""
from __future__ import annotations

import json

from flask import Flask, abort, current_app, g, request
from flask_smorest import Api, Blueprint
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from marshmallow import Schema, ValidationError, fields, validate
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import UnsupportedMediaType

from .bounds import DatabaseInteger, control_character_fields, json_problem, out_of_range_fields


API_PREFIX = "/api/v1"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_PER_PAGE = 200


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"description": "machine-readable, e.g. `invalid`"})
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "field name (dotted for nested) → messages"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetail, required=True)


class TrackerApi(Api):
    """flask-smorest's Api with our error shape instead of its own handler."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        # errors.init_app registers the handlers that give the one shape of PRODUCT.md.
        pass


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def page_of(query_params: dict) -> tuple[int, int]:
    return query_params.get("page", 1), query_params.get("per_page", 50)


class BoundedParser(FlaskParser):
    """webargs' parser, refusing what no schema should see (tracker/bounds.py says why).

    A body that is too deep, holds a lone surrogate or a number too long to read is 400; an
    integer beyond the database's range or text with a control character, in a body or a query,
    is 422 on its field.
    """

    def _raw_load_json(self, req):  # webargs' hook
        if not is_json_request(req):
            return core.missing
        try:
            data = core.parse_json(req.get_data(cache=True))
        except json.JSONDecodeError:
            raise  # webargs answers these itself (an empty body is "missing")
        except (ValueError, RecursionError) as error:  # 5,000 digits; nesting beyond the parser
            self._handle_invalid_json_error(error, req)
        problem = json_problem(data)
        if problem:
            abort(400, problem)
        return data

    def _validate_arguments(self, data, validators) -> None:
        refused = out_of_range_fields(data) | control_character_fields(data)
        if refused:
            raise ValidationError(refused)
        super()._validate_arguments(data, validators)


ARGUMENTS_PARSER = BoundedParser()


def api_blueprint(name: str, import_name: str, url_prefix: str = "", **kwargs) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=API_PREFIX + url_prefix, **kwargs)
    blueprint.ARGUMENTS_PARSER = ARGUMENTS_PARSER
    return blueprint


def accepts_uploads(view):
    """Mark a view that takes multipart uploads (and so the large body limit)."""
    view.accepts_uploads = True
    return view


def no_csrf(view):
    """Mark a view that does not act on the session's authority (login), so needs no CSRF token."""
    view.skips_csrf = True
    return view


def guard_api_request() -> None:
    """Body size, content type and CSRF, checked before any API view runs."""
    if not request.path.startswith("/api/"):
        return
    view = _current_view()
    takes_uploads = getattr(view, "accepts_uploads", False)
    if not takes_uploads:
        request.max_content_length = _app_config("API_MAX_JSON_BYTES")
    if request.method in UNSAFE_METHODS:
        _check_content_type(takes_uploads)
        # Loading the user records how it was authenticated (g.auth_via).
        if (current_user.is_authenticated and g.get("auth_via") == "session"
                and not getattr(view, "skips_csrf", False)):
            try:
                validate_csrf(request.headers.get("X-CSRF-Token") or request.headers.get("X-CSRFToken"))
            except Exception as error:  # ValidationError from wtforms: any failure is a 403
                raise CSRFError(str(error)) from error


def _check_content_type(takes_uploads: bool) -> None:
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if not has_body:
        return
    mimetype = request.mimetype
    if mimetype == "application/json" or mimetype.endswith("+json"):
        return
    if takes_uploads and mimetype == "multipart/form-data":
        return
    expected = "multipart/form-data" if takes_uploads else "application/json"
    raise UnsupportedMediaType(f"Send the body as {expected}.")


def _current_view():
    endpoint = request.endpoint
    return current_app.view_functions.get(endpoint) if endpoint else None


def _app_config(key: str):
    return current_app.config[key]


api = TrackerApi()


def init_app(app: Flask) -> None:
    # Before any blueprint adds its routes: every `<int:…>` then stops at the database's range.
    app.url_map.converters["int"] = DatabaseInteger
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": API_DESCRIPTION},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        }},
        "security": [{"bearer": []}, {"session": []}],
    })
    api.init_app(app)
    app.before_request(guard_api_request)


API_DESCRIPTION = """\
问政追踪 — Face-to-Face Tracker.

Authentication: `Authorization: Bearer <token>` (from `tracker create-token` or the admin
page), or the session cookie from `POST /api/v1/auth/login`; cookie-authenticated writes must
send the login answer's `csrf_token` as the `X-CSRF-Token` header (403 `csrf_failed` without it).

Errors: `{"error": {"code", "message", "fields"}}` with the status: 400 `malformed`,
401 `unauthenticated`, 403 `forbidden`, 404 `not_found`, 405 `method_not_allowed`,
409 `conflict`, 413 `too_large`, 415 `unsupported_media_type`, 422 `invalid`
(`fields` maps each field, dotted when nested, to its messages), 429 `rate_limited`.
Unknown fields in a body are refused with 422, and so are integers outside −2147483648…2147483647
(an id beyond that range in a path is a 404). A body nested deeper than 32 levels, or holding text
that is not valid Unicode, is 400.

Lists answer `{"items": [...], "total": n}` and take `page` (from 1) and `per_page`
(1–200, default 50). Filters take codes and plain words: `department=ZJJ`, `status=pool`.

Login throttling: repeated failed logins for one username, or from one address, answer 429
for 15 minutes (`Retry-After` says how long).

Public reasons: a timeline event's `note` is internal; its `public_reason` (personal data masked
when saved) is what the public reads. `close-unfulfilled` needs one, and so does `verify` with
`satisfaction` `unsatisfied` (422 without, nothing changes); `reopen`, `extension` (proposed,
public once approved), `extension/approve` and `/reject` take one optionally. Followers dispute a
verification through the public pages (a signed link mailed to a confirmed follower);
supervisors decide at `/disputes` (reopen: `verified` → `in_progress`, or answer).
"""
