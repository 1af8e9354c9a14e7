"""Case pool pages: producers add and edit cases; supervisors and admins read them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..bounds import page_number
from ..departments.service import list_departments
from ..errors import AppError
from ..forms import form_status
from ..models import Case, CaseSource, CaseStatus, Department
from ..permissions import allow, ensure_case_visible
from . import labels, privacy, service
from .forms import CaseEditForm, CaseFilterForm, CaseForm, PublicTextForm, form_data_of

bp = Blueprint("cases", __name__, url_prefix="/cases")

PAGE_SIZE = 25


@bp.app_template_global()
def case_source_label(source: CaseSource | str) -> str:
    return labels.source_label(source)


@bp.app_template_global()
def case_status_label(status: CaseStatus | str) -> str:
    return labels.status_label(status)


@bp.app_template_global()
def personal_data_label(kind: str) -> str:
    return labels.personal_data_label(kind)


# Masked forms of the complainant, for pages whose readers may not see it in full.
bp.add_app_template_filter(privacy.mask_name, "mask_name")
bp.add_app_template_filter(privacy.mask_phone, "mask_phone")


@bp.route("")
@allow("producer", "supervisor", "admin")
def index():
    form = CaseFilterForm(formdata=request.args)
    form.set_choices(list_departments())
    filters = form.valid_values()
    page = page_number(request.args)
    cases, total = service.list_cases(service.CaseFilter(**filters), page, PAGE_SIZE)
    return render_template("cases/index.html", form=form, cases=cases, total=total, page=page,
                           per_page=PAGE_SIZE, filters=filters, categories=service.known_categories())


@bp.route("/new", methods=["GET", "POST"])
@allow("producer")
def new():
    form = CaseForm()
    form.set_choices(list_departments(include_inactive=False))
    if form.validate_on_submit():
        try:
            case = service.create_case(form.to_data(), created_by=current_user)
        except AppError as error:
            form.show_error(error)
        else:
            flash(_("Case %(ref)s has been added to the pool.", ref=case.ref), "success")
            return redirect(url_for(".detail", case_id=case.id))
    return _editor(form, None)


@bp.route("/<int:case_id>")
@allow("producer", "supervisor", "admin", "department")
def detail(case_id: int):
    case = ensure_case_visible(current_user, service.get_case(case_id))
    return render_template("cases/detail.html", case=case, masked=service.masked_items(case))


@bp.route("/<int:case_id>/public-text", methods=["GET", "POST"])
@allow("producer", "supervisor")
def public_text(case_id: int):
    """The producer or the supervisor reads what was masked and edits what the public reads."""
    case = service.get_case(case_id)
    form = PublicTextForm(data={"public_title": case.public_title, "public_summary": case.public_summary})
    if form.validate_on_submit():
        try:
            service.set_public_text(case, form.to_data())
        except AppError as error:
            form.show_error(error)
        else:
            flash(_("The public text of %(ref)s has been saved.", ref=case.ref), "success")
            return redirect(url_for(".detail", case_id=case.id))
    status = form_status(form)
    return render_template("cases/public_text.html", form=form, case=case,
                           masked=service.masked_items(case)), status


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@allow("producer")
def edit(case_id: int):
    case = service.get_case(case_id)
    form = CaseEditForm(data=form_data_of(case))
    form.set_choices(_choosable_departments(case))
    if form.validate_on_submit():
        try:
            service.update_case(case, form.to_data())
        except AppError as error:
            form.show_error(error)
        else:
            flash(_("Case %(ref)s has been saved.", ref=case.ref), "success")
            return redirect(url_for(".detail", case_id=case.id))
    return _editor(form, case)


def _editor(form: CaseForm, case: Case | None):
    status = form_status(form)
    return render_template("cases/form.html", form=form, case=case,
                           categories=service.known_categories()), status


def _choosable_departments(case: Case) -> list[Department]:
    """Active departments, and any inactive one the case already has (it may stay)."""
    current = {d.id for d in case.departments}
    return [d for d in list_departments() if d.active or d.id in current]
