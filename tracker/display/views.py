"""`/display/<episode_id>`: the 1920×1080 on-air output, driven live over `/live`.

The page itself carries no case data: everything it shows arrives as the public `state` over
the websocket, so it can never show more than a display is allowed to see. What the page does
get from the server is how to look — the layout, transparency, preview mode — and who it is
for the console's list of displays.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..episodes.changes import get_episode
from ..errors import ForbiddenError
from ..live.display_tokens import display_token_valid
from ..permissions import ANYONE, allow

bp = Blueprint("display", __name__, url_prefix="/display")

LAYOUTS = ("board", "lower-third", "commitments", "poll", "timer")
TRUE_WORDS = ("1", "true", "yes", "on")
PROGRAM_NAME = "周五面对面"


@dataclass(frozen=True)
class DisplayOptions:
    """How one display looks, from its address; unknown values fall back to the defaults."""

    layout: str
    transparent: bool
    preview: bool
    name: str
    token: str

    @classmethod
    def from_query(cls, args: MultiDict[str, str]) -> DisplayOptions:
        layout = args.get("layout", "board")
        return cls(
            layout=layout if layout in LAYOUTS else "board",
            transparent=args.get("transparent", "").lower() in TRUE_WORDS,
            preview=args.get("mode", "") == "preview",
            name=args.get("name", "").strip()[:40],
            token=args.get("token", ""),
        )


@bp.route("/<int:episode_id>")
@allow(ANYONE)
def show(episode_id: int):
    options = DisplayOptions.from_query(request.args)
    # The token is checked before the episode is looked up, so that without one the
    # page does not even say which episodes exist.
    if current_app.config["DISPLAY_TOKEN_REQUIRED"] and not display_token_valid(options.token):
        raise ForbiddenError(_("This display needs a valid display token in its address."))
    episode = get_episode(episode_id)
    program = current_app.config.get("PROGRAM_NAME", PROGRAM_NAME)
    response = current_app.make_response(render_template(
        "display/display.html", episode=episode, options=options, program=program))
    # An on-air page must never be served from a stale cache after an upgrade.
    response.headers["Cache-Control"] = "no-store"
    return response
