"""The public tracker."""
from flask import Blueprint, render_template

from ..permissions import ANYONE, allow

bp = Blueprint("public", __name__)


@bp.route("/")
@allow(ANYONE)
def index():
    return render_template("public/index.html")
