"""The vote's page-side helpers. (The `/vote/<episode>` page and the poll layout build on these.)"""
from __future__ import annotations

from flask import Blueprint

from .results import Verdict, verdict

bp = Blueprint("polls", __name__)


@bp.app_template_global()
def audience_verdict(episode_id: int, case_id: int) -> Verdict | None:
    """The studio audience's final tally for a case in an episode, or None (no vote closed)."""
    return verdict(episode_id, case_id)
