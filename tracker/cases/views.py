"""Case pool pages (filled in by the case-pool work)."""
from flask import Blueprint, render_template

from ..permissions import allow

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("")
@allow("producer", "supervisor", "admin")
def index():
    return render_template("cases/index.html")
