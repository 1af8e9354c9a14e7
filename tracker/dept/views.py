"""The department workspace."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..permissions import allow

bp = Blueprint("dept", __name__, url_prefix="/dept")


@bp.route("")
@allow("department")
def index():
    return render_template("dept/index.html", department=current_user.department)
