"""The frame every JSON endpoint stands in: one OpenAPI document, guards on every request.

flask-smorest builds the OpenAPI 3 document from the same marshmallow schemas that
`@blueprint.arguments` uses to validate request bodies and query strings, so the document
and the validation cannot drift apart.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Request, abort, current_app, g, request
from flask_login import current_user
from flask_smorest import Api, Blueprint
from flask_wtf.csrf import CSRFError, validate_csrf
from marshmallow import Schema, ValidationError, fields, validate
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import UnsupportedMediaType

from .bounds import DatabaseInteger, control_character_fields, json_problem, out_of_range_fields
from .errors import InvalidError

F = TypeVar("F", bound=Callable[..., Any])

API_PREFIX = "/api/v1"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_PER_PAGE = 200


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"description": "machine-readable, e.g. `invalid`"})
    message = fields.String(required=True)
    # The error shape's key; marshmallow takes declared fields out of the class, so this does
    # not hide Schema.fields at run time.
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),  # type: ignore[assignment]
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

    def _raw_load_json(self, req: Request) -> Any:  # webargs' hook
        if not is_json_request(req):
            return core.missing
        try:
            data = core.parse_json(req.get_data(cache=True))
        except json.JSONDecodeError:
            raise  # webargs answers these itself (an empty body is "missing")
        except (ValueError, RecursionError) as error:  # 5,000 digits; nesting beyond the parser
            # webargs' annotation names only the two errors it raises itself; the hook takes any.
            self._handle_invalid_json_error(error, req)  # type: ignore[arg-type]
        problem = json_problem(data)
        if problem:
            abort(400, problem)
        return data

    def _load_location_data(self, *, schema: Schema, req: Request, location: str) -> Any:  # webargs' hook
        data = super()._load_location_data(schema=schema, req=req, location=location)
        if location == "json" and data is not core.missing:
            wrong = json_type_errors(schema, data)
            if wrong:
                raise ValidationError(wrong)
        return data

    def _validate_arguments(self, data: Any, validators: list[Callable[..., Any]]) -> None:
        refused = out_of_range_fields(data) | control_character_fields(data)
        if refused:
            raise ValidationError(refused)
        super()._validate_arguments(data, validators)


def json_type_errors(schema: Schema, data: object) -> dict:
    """JSON's own types, as the description declares them: `0` is not `false`, `"3"` and `2.5e-42`
    are not integers (marshmallow would take them as `False`, `3` and `0`)."""
    if not isinstance(data, dict):
        return {}
    by_key = {field.data_key or name: field for name, field in schema.fields.items() if not field.dump_only}
    errors: dict = {}
    for key, value in data.items():
        field = by_key.get(key)
        problem = _json_type_problem(field, value) if field is not None else None
        if problem:
            errors[key] = problem
    return errors


def _json_type_problem(field: fields.Field, value: object) -> list[str] | dict | None:
    if value is None:
        return None  # allow_none decides
    if isinstance(field, fields.Boolean) and not isinstance(value, bool):
        return ["Not a valid boolean."]
    if isinstance(field, fields.Integer) and (isinstance(value, bool) or not isinstance(value, int)):
        return ["Not a valid integer."]
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        items = value if field.many and isinstance(value, list) else [value]
        nested = {index: found for index, item in enumerate(items) if (found := json_type_errors(field.schema, item))}
        return (nested if field.many else nested.get(0)) or None
    if isinstance(field, fields.List) and isinstance(value, list):
        listed = {index: problem for index, item in enumerate(value)
                  if (problem := _json_type_problem(field.inner, item))}
        return listed or None
    return None


ARGUMENTS_PARSER = BoundedParser()
BODY_LOCATIONS = {"json", "form", "files", "json_or_form"}


class TrackerBlueprint(Blueprint):
    """A body whose schema requires nothing may be left out (a Stream Deck sends none): the
    description says `required: false` for it, and `true` where a field is required."""

    ARGUMENTS_PARSER = ARGUMENTS_PARSER

    def arguments(self, schema: Schema | type[Schema], *, location: str = "json", required: bool | None = None,
                  **kwargs: Any) -> Callable[[F], F]:
        if required is None:
            required = location not in BODY_LOCATIONS or _requires_a_field(schema)
        return super().arguments(schema, location=location, required=required, **kwargs)


def _requires_a_field(schema: Schema | type[Schema]) -> bool:
    instance = schema() if isinstance(schema, type) else schema
    return any(field.required for field in instance.fields.values())


def api_blueprint(name: str, import_name: str, url_prefix: str = "", **kwargs: Any) -> TrackerBlueprint:
    return TrackerBlueprint(name, import_name, url_prefix=API_PREFIX + url_prefix, **kwargs)


def accepts_uploads(view: F) -> F:
    """Mark a view that takes multipart uploads (and so the large body limit)."""
    view.accepts_uploads = True  # type: ignore[attr-defined]  # a mark read by guard_api_request
    return view


def no_csrf(view: F) -> F:
    """Mark a view that does not act on the session's authority (login), so needs no CSRF token."""
    view.skips_csrf = True  # type: ignore[attr-defined]  # a mark read by guard_api_request
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
        if view is not None and not takes_uploads and not _takes_a_body(view):
            _refuse_a_body()
        # Loading the user records how it was authenticated (g.auth_via). A view that skips the
        # check (a ballot: many a second, from phones without an account) never loads it here.
        if (not getattr(view, "skips_csrf", False) and current_user.is_authenticated
                and g.get("auth_via") == "session"):
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


def _takes_a_body(view: Callable[..., Any]) -> bool:
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(parameter.get("in") in BODY_LOCATIONS for parameter in parameters)


def _refuse_a_body() -> None:
    """An operation described without a body refuses one with fields, rather than ignore it."""
    body = request.get_data(cache=True).strip()
    if body and body != b"{}":
        raise InvalidError("This operation takes no request body.")


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

On time: a commitment is on time when it is verified with the completion claimed by the
deadline said on air (`original_deadline`). An approved extension moves `deadline` (the one in
force, which `is_overdue` follows), never `original_deadline`; a result after it counts in
`/public/stats` as `met_after_extension`, not on time. An extension to a day already past is
422; one asked after the deadline in force is allowed and marked `requested_late` (timeline) /
`extension_requested_late` (commitment) in the public API. A verified commitment's
`progress_percent` is 100.

Co-responsible departments (配合单位): the department that made a commitment leads it; the
case's other responsible departments read it (`GET /commitments`, `/commitments/{id}`, its
evidence) with `responsibility: "co_responsible"`, and every write of theirs answers 403
`forbidden`, as for another department's commitment.

Sessions: `POST /auth/login` always starts a new session with a new `csrf_token` (whatever
session the request carried is dropped). `POST /auth/logout` ends every session of the account,
in every browser; its API tokens keep working (integrations such as a Stream Deck are not
signed in through a browser; revoke a token to stop it). An administrator setting a new password,
deactivating or reactivating an account or changing its role or department ends its sessions
and revokes its tokens; the administrator who changes their own password stays signed in on
that browser only.

Login throttling: failed logins count per client address (an IPv6 /64) and per username from
that address, never per username alone, so a correct password from an address without
failures is never refused. After 3 failures for a username from an address (10 for the address
whatever the username) each further failure makes the next attempt from there wait 1, 2, 4 …
seconds, at most 300; an attempt while waiting answers 429 `rate_limited` with `Retry-After`
(seconds) and is neither checked nor counted. Failures are forgotten after an hour without one.

The audience vote (docs/polls.md): a producer opens a poll on the case on air or on standby and
closes it (on-air changes: versioned, logged, undoable); anyone sends ballots, one per device (a
signed cookie; the last ballot before the close counts), 202 only once stored, limited per address,
with the rotating code from the screen or a seat-card code where the poll's `code_mode` asks.
Between state versions, `/live` and `/control` carry a `tally` event
`{poll_id, episode_id, item_id, open, counts, percentages, total, at}`, at most 4 a second per poll.

Public reasons: a timeline event's `note` is internal; its `public_reason` (personal data masked
when saved) is what the public reads. `close-unfulfilled` needs one, and so does `verify` with
`satisfaction` `unsatisfied` (422 without, nothing changes); `reopen`, `extension` (proposed,
public once approved), `extension/approve` and `/reject` take one optionally. Followers dispute a
verification through the public pages (a signed link mailed to a confirmed follower);
supervisors decide at `/disputes` (reopen: `verified` → `in_progress`, or answer).
"""
