"""Settings: departments, users and roles, tokens."""
from flask import Blueprint, render_template

from ..permissions import allow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("")
@allow("admin")
def index():
    return render_template("admin/index.html")
