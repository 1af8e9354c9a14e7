"""Episode pages: the list, the planning form, and the producer's live console.

The console is one page per episode. It is drawn once from the running order and the live
state; after that every change arrives over `/control` and every action goes through the JSON
API, so nothing during a show needs a page reload.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..episodes import service
from ..episodes.changes import get_episode
from ..errors import AppError
from ..forms import form_status
from ..models import Episode
from ..permissions import allow
from ..realtime import publish
from .console_data import allowed_actions, episodes_with_item_counts, first_frame
from .console_messages import ACTION_LABELS, STATE_LABELS, console_messages
from .forms import EpisodeForm, form_data_of

bp = Blueprint("console", __name__, url_prefix="/studio/episodes")

DEFAULT_PLANNED_SECONDS = 8 * 60


@bp.route("", methods=["GET", "POST"])
@allow("producer")
def index():
    form = EpisodeForm(data={"number": service.next_number()})
    if form.validate_on_submit():
        try:
            episode = service.create_episode(**form.to_data())
        except AppError as error:
            form.show_error(error)
        else:
            flash(_("Episode %(number)s has been planned.", number=episode.number), "success")
            return redirect(url_for(".console", episode_id=episode.id))
    status = form_status(form)
    return render_template("studio/episodes.html", form=form, episodes=episodes_with_item_counts(),
                           episode=None), status


@bp.route("/<int:episode_id>/edit", methods=["GET", "POST"])
@allow("producer")
def edit(episode_id: int):
    episode = get_episode(episode_id)
    form = EpisodeForm(data=form_data_of(episode))
    if form.validate_on_submit():
        try:
            _episode, change = service.update_episode(episode, form.to_data(), current_user)
        except AppError as error:
            form.show_error(error)
        else:
            publish(change)
            flash(_("Episode %(number)s has been saved.", number=episode.number), "success")
            return redirect(url_for(".index"))
    return _editor(form, episode)


@bp.route("/<int:episode_id>")
@allow("producer")
def console(episode_id: int):
    frame, moves = first_frame(episode_id), allowed_actions()
    data = {"episode_id": episode_id, "rundown": frame["rundown"], "state": frame["state"], "moves": moves,
            "messages": console_messages(), "zone": current_app.config["TIMEZONE"],
            "planned_seconds": DEFAULT_PLANNED_SECONDS, "me": f"console:{current_user.id}"}
    return render_template("studio/console.html", **frame, moves=moves, data=data,
                           state_labels=STATE_LABELS, action_labels=ACTION_LABELS)


def _editor(form: EpisodeForm, episode: Episode):
    status = form_status(form)
    return render_template("studio/episode_form.html", form=form, episode=episode), status
