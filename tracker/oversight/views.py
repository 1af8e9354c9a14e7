"""The supervisor's desk."""
from flask import Blueprint, render_template

from ..cases.labels import status_label
from ..permissions import allow
from ..studio.service import case_counts_by_status
from . import service

bp = Blueprint("oversight", __name__, url_prefix="/oversight")


@bp.route("")
@allow("supervisor")
def index():
    return render_template("oversight/index.html", counts=case_counts_by_status(),
                           total=service.total_cases(), departments=service.cases_by_lead_department(),
                           status_label=status_label)
