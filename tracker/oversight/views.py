"""The supervisor's desk."""
from flask import Blueprint, render_template

from ..permissions import allow

bp = Blueprint("oversight", __name__, url_prefix="/oversight")


@bp.route("")
@allow("supervisor")
def index():
    return render_template("oversight/index.html")
