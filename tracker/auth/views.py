"""The login page and logout."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..bounds import local_path
from ..models import Role, User
from ..permissions import ANYONE, allow
from .forms import LoginForm
from .session import end_session, start_session
from .throttle import LoginDelayed, client_address, sign_in

bp = Blueprint("auth", __name__)

ROLE_HOMES = {
    Role.ADMIN: "admin.index",
    Role.PRODUCER: "studio.index",
    Role.DEPARTMENT: "workspace.index",
    Role.SUPERVISOR: "oversight.index",
}


def home_url(user: User) -> str:
    return url_for(ROLE_HOMES[user.role])


@bp.route("/login", methods=["GET", "POST"])
@allow(ANYONE)
def login_page():
    form = LoginForm()
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(home_url(current_user))
    if form.validate_on_submit():
        try:
            user = sign_in(form.username.data, form.password.data, client_address())
        except LoginDelayed as delay:
            flash(ngettext("Too many failed sign-ins from your network. Please wait %(num)s second and try again.",
                           "Too many failed sign-ins from your network. Please wait %(num)s seconds and try again.",
                           delay.seconds), "error")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(delay.seconds)}
        if user is not None:
            start_session(user)
            return redirect(local_path(request.args.get("next")) or home_url(user))
        flash(_("Wrong username or password."), "error")
    status = 200 if request.method == "GET" or form.errors == {} else 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@allow(ANYONE)
def logout():
    end_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login_page"))
