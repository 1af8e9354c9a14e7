"""The producer's landing page: episodes and the case pool."""
from flask import Blueprint, render_template

from ..cases.labels import status_label
from ..permissions import allow
from . import service

bp = Blueprint("studio", __name__, url_prefix="/studio")


@bp.route("")
@allow("producer")
def index():
    return render_template("studio/index.html", counts=service.case_counts_by_status(),
                           episodes=service.upcoming_episodes(), status_label=status_label)
