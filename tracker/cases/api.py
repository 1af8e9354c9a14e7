"""Cases API: producers fill the pool; staff read it; a department reads its own cases."""
from __future__ import annotations

from flask_login import current_user

from ..api import api_blueprint, page_of
from ..permissions import allow, ensure_case_visible
from . import service
from .schemas import CaseIn, CaseListOut, CaseOut, CasePatch, CaseQuery, PublicTextIn

blp = api_blueprint("cases_api", __name__, "/cases", description="The case pool")

READERS = ("producer", "supervisor", "admin")


def filter_from(query: dict) -> service.CaseFilter:
    return service.CaseFilter(department=query.get("department"), category=query.get("category"),
                              source=query.get("source"), status=query.get("status"), q=query.get("q"))


@blp.route("", methods=["GET"])
@allow(*READERS)
@blp.arguments(CaseQuery, location="query")
@blp.response(200, CaseListOut, description="newest first, with the complainant")
def list_cases(query: dict):
    page, per_page = page_of(query)
    items, total = service.list_cases(filter_from(query), page, per_page)
    return {"items": items, "total": total}


@blp.route("", methods=["POST"])
@allow("producer")
@blp.arguments(CaseIn)
@blp.response(201, CaseOut)
@blp.alt_response(409, description="the work-order number belongs to another case")
def create_case(data: dict):
    return service.create_case(data, created_by=current_user)


@blp.route("/<int:case_id>", methods=["GET"])
@allow("producer", "supervisor", "admin", "department")
@blp.response(200, CaseOut, description="for a department user, only a case it is responsible for")
def get_case(case_id: int):
    return ensure_case_visible(current_user, service.get_case(case_id))


@blp.route("/<int:case_id>", methods=["PATCH"])
@allow("producer")
@blp.arguments(CasePatch)
@blp.response(200, CaseOut)
@blp.alt_response(409, description="the work-order number belongs to another case")
def update_case(changes: dict, case_id: int):
    return service.update_case(service.get_case(case_id), changes)


@blp.route("/<int:case_id>/public-text", methods=["PUT"])
@allow("producer", "supervisor")
@blp.arguments(PublicTextIn)
@blp.response(200, CaseOut, description="the case with its new public text, personal data in it masked")
def set_public_text(data: dict, case_id: int):
    """What the public, the display and the feeds read of this case, before (or after) it airs."""
    return service.set_public_text(service.get_case(case_id), data)
