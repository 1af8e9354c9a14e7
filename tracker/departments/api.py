"""Departments: anyone may list them; admins create and edit."""
from __future__ import annotations

from ..api import api_blueprint
from ..permissions import ANYONE, allow
from . import service
from .schemas import DepartmentIn, DepartmentOut, DepartmentPatch

blp = api_blueprint("departments_api", __name__, "/departments", description="Responsible departments")


@blp.route("", methods=["GET"])
@allow(ANYONE)
@blp.response(200, DepartmentOut(many=True), description="every department, as a plain JSON array")
def list_departments():
    return service.list_departments()


@blp.route("", methods=["POST"])
@allow("admin")
@blp.arguments(DepartmentIn)
@blp.response(201, DepartmentOut)
@blp.alt_response(409, description="code or name already in use")
def create_department(data: dict):
    return service.create_department(data["code"], data["name"], data["kind"])


@blp.route("/<code>", methods=["GET"])
@allow(ANYONE)
@blp.response(200, DepartmentOut)
def get_department(code: str):
    return service.get_by_code(code)


@blp.route("/<code>", methods=["PATCH"])
@allow("admin")
@blp.arguments(DepartmentPatch)
@blp.response(200, DepartmentOut)
def update_department(changes: dict, code: str):
    return service.update_department(service.get_by_code(code), changes)
