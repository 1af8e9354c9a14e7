"""The letters desk: issue each episode's assignment letters (交办函) and print them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..bounds import page_number
from ..permissions import allow
from . import service

bp = Blueprint("letters", __name__, url_prefix="/oversight/letters")

EPISODES_PER_PAGE = 10


@bp.route("")
@allow("supervisor")
def index():
    page = page_number(request.args)
    rows, total = service.episodes_page(page, EPISODES_PER_PAGE)
    return render_template("letters/index.html", rows=rows, total=total, page=page, per_page=EPISODES_PER_PAGE)


@bp.route("/episodes/<int:episode_id>/issue", methods=["POST"])
@allow("supervisor")
def issue(episode_id: int):
    episode = service.get_episode(episode_id)
    letters = service.issue_letters(episode.id, current_user)
    if letters:
        flash(ngettext("Issued %(num)d letter for episode %(episode)s.",
                       "Issued %(num)d letters for episode %(episode)s.", len(letters), episode=episode.number),
              "success")
    else:
        flash(_("Every department of episode %(episode)s already has its letter.", episode=episode.number), "info")
    return redirect(url_for(".index", _anchor=f"episode-{episode.id}"))


@bp.route("/<int:letter_id>")
@allow("supervisor")
def letter(letter_id: int):
    letter = service.get_letter(letter_id)
    return render_template("letters/print.html", sheets=[service.sheet(letter)], episode=letter.episode)


@bp.route("/episodes/<int:episode_id>")
@allow("supervisor")
def episode_letters(episode_id: int):
    episode = service.get_episode(episode_id)
    sheets = [service.sheet(letter) for letter in service.letters_of_episode(episode.id)]
    return render_template("letters/print.html", sheets=sheets, episode=episode)
