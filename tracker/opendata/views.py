"""Open data over HTTP: Open311 GeoReport v2, Atom feeds, CSV and XLSX exports.

All read-only and public (anyone, and any origin: `Access-Control-Allow-Origin: *`).
Open311 answers its errors in the Open311 format; a bad export filter gets the readable error
page (400), as every page outside /api/ does.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _

from ..extensions import real_app
from ..permissions import ANYONE, allow
from . import exports, feeds, formats, open311

bp = Blueprint("opendata", __name__)

OPEN311 = "/open311/v2"
FORMAT = "<any(json, xml):fmt>"
FEED_CACHE = "public, max-age=60"


@bp.after_request
def open_to_every_origin(response: Response) -> Response:
    """Public, read-only data: any site's JavaScript may read it."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(open311.Open311Error)
def open311_error(error: open311.Open311Error) -> Response:
    fmt = (request.view_args or {}).get("fmt", "json")
    return formats.open311_error(fmt, error.status, error.description)


@bp.route(f"{OPEN311}/services.{FORMAT}")
@allow(ANYONE)
def services(fmt: str):
    return formats.open311(fmt, "services", "service", open311.services())


@bp.route(f"{OPEN311}/requests.{FORMAT}")
@allow(ANYONE)
def service_requests(fmt: str):
    """Cases that have been on air; filters: service_request_id, service_code, start_date,
    end_date, status."""
    query = open311.parse_query(request.args)
    found = open311.find_requests(query, request.url_root)
    return formats.open311(fmt, "service_requests", "request", found)


@bp.route(f"{OPEN311}/requests/<request_id>.{FORMAT}")
@allow(ANYONE)
def service_request(request_id: str, fmt: str):
    found = open311.get_request(request_id, request.url_root)
    return formats.open311(fmt, "service_requests", "request", found)


@bp.route("/feeds/updates.atom")
@allow(ANYONE)
def updates_feed():
    feed = feeds.Feed("updates", _("Friday Face-to-Face: commitment updates"), request.url_root, request.url)
    return _atom(feed, feeds.latest_events())


@bp.route("/feeds/departments/<code>.atom")
@allow(ANYONE)
def department_feed(code: str):
    department = feeds.department(code) or abort(404)
    feed = feeds.Feed(f"departments/{department.code}", _("%(department)s: commitment updates",
                                                          department=department.name),
                      f"{request.url_root}commitments?department={department.code}", request.url)
    return _atom(feed, feeds.latest_events(department_id=department.id))


@bp.route("/feeds/commitments/<int:commitment_id>.atom")
@allow(ANYONE)
def commitment_feed(commitment_id: int):
    commitment = feeds.commitment(commitment_id) or abort(404)
    feed = feeds.Feed(f"commitments/{commitment.id}", _("%(department)s: %(promise)s",
                                                        department=commitment.department.name,
                                                        promise=commitment.content),
                      f"{request.url_root}commitments/{commitment.id}", request.url)
    return _atom(feed, feeds.latest_events(commitment_id=commitment.id))


@bp.route("/commitments.csv")
@allow(ANYONE)
def commitments_csv():
    statement = exports.selection(exports.parse_filter(request.args))
    words = exports.wording(request.url_root)
    chunks = exports.csv_chunks(real_app(), statement, words)
    return _attachment(Response(chunks, content_type="text/csv; charset=utf-8"), exports.filename("csv"))


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/commitments.xlsx")
@allow(ANYONE)
def commitments_xlsx():
    statement = exports.selection(exports.parse_filter(request.args))
    workbook = exports.xlsx_bytes(statement, exports.wording(request.url_root))
    return _attachment(Response(workbook, content_type=exports.XLSX_TYPE), exports.filename("xlsx"))


def _atom(feed: feeds.Feed, events: list) -> Response:
    authority = feeds.authority_of(current_app.config.get("BASE_URL", ""))
    body, updated = feeds.render(feed, events, request.url_root, authority)
    response = Response(body, content_type=formats.ATOM_TYPE)
    response.last_modified = updated
    response.headers["Cache-Control"] = FEED_CACHE
    response.add_etag()
    response.make_conditional(request)  # turns itself into a 304 when the client has it
    return response
