"""The public API: anyone may read it; nothing private is in it (see `schemas.py`)."""
from __future__ import annotations

from flask import send_file
from sqlalchemy import true

from ..api import api_blueprint, page_of
from ..commitments import evidence, queries
from ..commitments.evidence_api import ATTACHMENT_POLICY
from ..errors import NotFoundError
from ..permissions import ANYONE, allow
from ..polls import results
from . import cache, conditional, stats
from .schemas import (
    DepartmentStatsOut,
    PublicCommitmentDetailOut,
    PublicCommitmentListOut,
    PublicCommitmentQuery,
    StatsQuery,
)

blp = api_blueprint("public_api", __name__, "/public", description="The public tracker: open to anyone")
blp.record_once(cache.on_register)
conditional.answer_conditionally(blp, pages=False)


@blp.route("/commitments", methods=["GET"])
@allow(ANYONE)
@blp.arguments(PublicCommitmentQuery, location="query")
@blp.response(200, PublicCommitmentListOut, description="overdue first, then by deadline, then by id")
def list_commitments(query: dict):
    page, per_page = page_of(query)
    wanted = queries.CommitmentFilter(
        department=query.get("department"), status=query.get("status"), overdue=query.get("overdue"),
        due_soon=query.get("due_soon"), episode=query.get("episode"), text=query.get("q"),
        public=True)
    items, total = queries.list_matching(true(), wanted, page, per_page)
    return {"items": items, "total": total,
            "verdicts": results.verdicts_for((item.episode_id, item.case_id) for item in items)}


@blp.route("/commitments/<int:commitment_id>", methods=["GET"])
@allow(ANYONE)
@blp.response(200, PublicCommitmentDetailOut)
def get_commitment(commitment_id: int):
    """One commitment with its public timeline and the evidence a supervisor released."""
    return queries.get_public(commitment_id)


@blp.route("/stats", methods=["GET"])
@allow(ANYONE)
@blp.arguments(StatsQuery, location="query")
@blp.response(200, DepartmentStatsOut(many=True), description="one row per department with commitments in the "
                                                              "period, most commitments first; a plain array")
def department_stats(query: dict):
    return stats.league_table(query.get("since"), query.get("until"))


@blp.route("/attachments/<int:attachment_id>", methods=["GET"])
@allow(ANYONE)
@blp.response(200, description="the file, if a supervisor released it; 404 otherwise",
              content_type="application/octet-stream")
def public_evidence(attachment_id: int):
    attachment = evidence.get_attachment(attachment_id)
    if not attachment.public:
        raise NotFoundError("No such attachment.")
    path = evidence.stored_path(attachment)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=False,
                         download_name=f"evidence-{attachment.id}", conditional=True, etag=attachment.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = ATTACHMENT_POLICY
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
