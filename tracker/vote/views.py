"""The audience's side of the vote: `/vote/<episode>` on a phone, the QR code that leads there,
and the producer's printable sheet of QR codes and seat cards.

The vote page is small on purpose (a phone on slow 3G in a crowded studio): one HTML page, one
stylesheet and two small scripts, no framework. It shows the poll current when it is served, then
follows the show over `/live`. It shows a case's public text only.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..episodes.changes import get_episode, now
from ..errors import ForbiddenError
from ..live.display_tokens import display_token_valid
from ..models import Role
from ..permissions import ANYONE, allow
from ..polls import codes
from ..polls.service import current_poll
from . import qr

bp = Blueprint("vote", __name__)

PROGRAM_NAME = "周五面对面"
SEATS_PER_SHEET = 40
CODE_LENGTH = 20  # longer than any rotating or seat code: anything longer is not one


def _program() -> str:
    return current_app.config.get("PROGRAM_NAME", PROGRAM_NAME)


@bp.route("/vote/<int:episode_id>")
@allow(ANYONE)
def page(episode_id: int):
    episode = get_episode(episode_id)
    poll = current_poll(episode_id)
    code = (request.args.get("code") or request.args.get("c") or "").strip()[:CODE_LENGTH]
    response = current_app.make_response(render_template(
        "vote/vote.html", episode=episode, poll=poll, program=_program(), code=code))
    # What is open changes during the show: a phone coming back must ask again.
    response.headers["Cache-Control"] = "no-store"
    return response


def _may_see_code() -> bool:
    """The rotating code is for the screen, not for the open `/live` stream (docs/polls.md): a
    producer signed in (the console's previews), or a display with a valid display token."""
    if current_user.is_authenticated and current_user.role is Role.PRODUCER:
        return True
    return display_token_valid(request.args.get("token", ""))


def _may_see_qr() -> bool:
    return not current_app.config["DISPLAY_TOKEN_REQUIRED"] or _may_see_code()


@bp.route("/vote/<int:episode_id>/qr.svg")
@allow(ANYONE)
def qr_code(episode_id: int):
    """The QR code of the vote page, with the rotating code of the moment where the open poll
    uses one and the asker may see it (else the plain address: `X-Vote-Code: withheld`).
    `X-Code-Rotates-In` says in how many seconds the code (and so the QR) changes."""
    if not _may_see_qr():
        raise ForbiddenError(_("This display needs a valid display token in its address."))
    get_episode(episode_id)
    moment = now()
    code = qr.code_on_screen(current_poll(episode_id), moment)
    shown = code if code and _may_see_code() else None
    response = Response(qr.svg(qr.vote_url(episode_id, shown)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Vote-Code"] = "rotating" if shown else ("withheld" if code else "none")
    if code:
        response.headers["X-Code-Rotates-In"] = f"{codes.rotates_in(moment):.1f}"
    return response


@bp.route("/studio/episodes/<int:episode_id>/vote-sheet")
@allow(Role.PRODUCER)
def sheet(episode_id: int):
    """A page to print: the vote page's QR code (without a rotating code, which a printed sheet
    cannot carry), and the seat cards of the studio-only mode, `SEATS_PER_SHEET` at a time
    (`?first=41` for the next ones), each with its seat code and a QR code that carries it."""
    episode = get_episode(episode_id)
    total = codes.seat_count()
    first = max(1, min(request.args.get("first", 1, type=int) or 1, total))
    last = min(total, first + SEATS_PER_SHEET - 1)
    seats = [(seat, code, qr.svg(qr.vote_url(episode_id, code)))
             for seat, code in enumerate(codes.seat_codes(episode_id, last), start=1) if seat >= first]
    return render_template("vote/sheet.html", episode=episode, program=_program(), vote_url=qr.vote_url(episode_id),
                           vote_qr=qr.svg(qr.vote_url(episode_id)), seats=seats, first=first, last=last, total=total,
                           per_sheet=SEATS_PER_SHEET)
