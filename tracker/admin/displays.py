"""Settings: display tokens, for the studio screens and browser sources where they are required."""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from ..forms import form_status
from ..live import display_tokens
from ..permissions import allow
from .blueprint import bp
from .forms import ConfirmForm, DisplayTokenForm


@bp.route("/displays", methods=["GET", "POST"])
@allow("admin")
def display_tokens_page():
    form = DisplayTokenForm()
    if form.validate_on_submit():
        record, token = display_tokens.issue_display_token(form.name.data)
        # Shown in this response only, never through a redirect or the session.
        response = make_response(render_template("admin/display_token_created.html", record=record, token=token))
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template("admin/displays.html", form=form, tokens=display_tokens.list_display_tokens(),
                           revoke_form=ConfirmForm(),
                           required=current_app.config["DISPLAY_TOKEN_REQUIRED"]), form_status(form)


@bp.route("/displays/<int:token_id>/revoke", methods=["POST"])
@allow("admin")
def display_token_revoke(token_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        record = display_tokens.revoke_display_token(token_id)
        flash(_("Display token “%(name)s” was revoked; screens using it go dark at their next connection.",
                name=record.name), "success")
    return redirect(url_for(".display_tokens_page"))
