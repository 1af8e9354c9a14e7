"""The producer's landing page: episodes and the case pool."""
from flask import Blueprint, render_template

from ..permissions import allow

bp = Blueprint("studio", __name__, url_prefix="/studio")


@bp.route("")
@allow("producer")
def index():
    return render_template("studio/index.html")
