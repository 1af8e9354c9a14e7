"""The public tracker."""
from flask import Blueprint, render_template

from ..permissions import ANYONE, allow
from . import service

bp = Blueprint("public", __name__)


@bp.route("/")
@allow(ANYONE)
def index():
    return render_template("public/index.html", figures=service.figures(),
                           episodes=service.latest_episodes())
