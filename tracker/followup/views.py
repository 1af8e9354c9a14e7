"""`/oversight/followup`: the supervisor picks commitments for a coming episode's follow-up block."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..bounds import INTEGER_MAX
from ..errors import AppError
from ..permissions import allow
from ..realtime import publish
from . import service

bp = Blueprint("followup", __name__, url_prefix="/oversight/followup")


@bp.route("", methods=["GET"])
@allow("supervisor")
def index():
    return _page({}, {})


@bp.route("", methods=["POST"])
@allow("supervisor")
def add():
    picked = _ids(request.form.getlist("commitment_ids"))
    episode_id = _ids([request.form.get("episode_id", "")])
    title = request.form.get("title", "").strip()
    errors = {}
    if not picked:
        errors["commitment_ids"] = _("Pick at least one commitment.")
    if not episode_id:
        errors["episode_id"] = _("Choose the episode the block goes into.")
    if len(title) > service.TITLE_MAX:
        errors["title"] = _("At most %(count)s characters.", count=service.TITLE_MAX)
    if not errors:
        try:
            item, change = service.add_followup(episode_id[0], picked, title, None, current_user)
        except AppError as error:
            errors["form"] = _reason(error)
        else:
            publish(change)
            flash(_("A follow-up block “%(title)s” with %(count)s commitments was added to the running order.",
                    title=item.title, count=len(picked)), "success")
            return redirect(url_for(".index"))
    for message in errors.values():
        flash(message, "error")
    return _page({"picked": set(picked), "episode_id": episode_id[0] if episode_id else None, "title": title},
                 errors, status=422)


def _page(form: dict, errors: dict, status: int = 200):
    return render_template("followup/index.html", groups=service.candidates(), episodes=service.coming_episodes(),
                           form=form, errors=errors, default_title=service.DEFAULT_TITLE), status


def _ids(values: list[str]) -> list[int]:
    """The ids among `values`, each once, in order: a number past the database's INTEGER (or one
    `int()` cannot read, such as "²") is no id."""
    numbers = (int(value) for value in values
               if value.strip().isdecimal() and len(value.strip()) <= len(str(INTEGER_MAX)))
    return list(dict.fromkeys(number for number in numbers if number <= INTEGER_MAX))


def _reason(error: AppError) -> str:
    if error.code == "episode_ended":
        return _("This episode has ended; its running order is closed.")
    if error.status == 404:
        return _("That episode no longer exists.")
    if error.fields:
        return _("A commitment you picked no longer exists, or was picked twice.")
    return _("The block could not be added. Please try again.")
