"""Settings: the overview and the departments. Accounts and tokens are in `accounts.py`."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.service import TOKEN_PREFIX
from ..departments import service as departments
from ..errors import AppError
from ..forms import flash_unplaced, form_status
from ..permissions import allow
from ..users import service as users
from . import (  # noqa: F401 - register the account, token and display-token pages on `bp`
    accounts,
    displays,
    throttles,
)
from .blueprint import bp, chosen, search_text
from .forms import KIND_LABELS, DepartmentCreateForm, DepartmentEditForm, kind_label

__all__ = ["bp"]

STATUSES = ("active", "inactive")


@bp.context_processor
def admin_helpers() -> dict:
    return {"kind_label": kind_label, "token_prefix": TOKEN_PREFIX}


@bp.route("")
@allow("admin")
def index():
    return render_template("admin/index.html", counts=users.overview())


@bp.route("/departments")
@allow("admin")
def department_list():
    kind = chosen("kind", KIND_LABELS)
    status = chosen("status", STATUSES)
    sort = chosen("sort", [*departments.DIRECTORY_SORTS, *(f"-{s}" for s in departments.DIRECTORY_SORTS)], "code")
    rows = departments.department_directory(
        kind=kind, q=search_text(), active=None if status is None else status == "active",
        sort=sort.lstrip("-"), descending=sort.startswith("-"))
    return render_template("admin/departments.html", rows=rows, kinds=KIND_LABELS,
                           filters={"kind": kind, "status": status, "q": search_text(), "sort": sort})


@bp.route("/departments/new", methods=["GET", "POST"])
@allow("admin")
def department_new():
    form = DepartmentCreateForm()
    if form.validate_on_submit():
        try:
            department = departments.create_department(form.code.data, form.name.data, form.kind.data)
        except AppError as error:
            status = flash_unplaced(form, error)
        else:
            flash(_("Department %(name)s (%(code)s) was created.", name=department.name, code=department.code),
                  "success")
            return redirect(url_for(".department_list"))
    else:
        status = form_status(form)
    return render_template("admin/department_form.html", form=form, department=None), status


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@allow("admin")
def department_edit(department_id: int):
    department = departments.get_department(department_id)
    form = DepartmentEditForm(data={"name": department.name, "kind": department.kind.value,
                                    "active": department.active}, department_id=department.id)
    if form.validate_on_submit():
        try:
            departments.update_department(department, {"name": form.name.data, "kind": form.kind.data,
                                                        "active": form.active.data})
        except AppError as error:
            status = flash_unplaced(form, error)
        else:
            flash(_("Department %(name)s was saved.", name=department.name), "success")
            return redirect(url_for(".department_list"))
    else:
        status = form_status(form)
    return render_template("admin/department_form.html", form=form, department=department), status
