"""The department workspace."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..cases.labels import status_label
from ..permissions import allow
from . import service

bp = Blueprint("dept", __name__, url_prefix="/dept")


@bp.route("")
@allow("department")
def index():
    department = current_user.department
    if department is None:  # an account whose department was taken away by an admin
        return render_template("dept/index.html", department=None)
    return render_template(
        "dept/index.html",
        department=department,
        counts=service.case_counts(department.id),
        lead_count=service.lead_case_count(department.id),
        cases=service.recent_cases(department.id),
        status_label=status_label,
    )
