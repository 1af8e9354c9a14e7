"""The login page and logout."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..bounds import local_path
from ..models import Role, User
from ..permissions import ANYONE, allow
from .forms import LoginForm
from .service import authenticate
from .throttle import per_address, per_username, record_failure

bp = Blueprint("auth", __name__)

ROLE_HOMES = {
    Role.ADMIN: "admin.index",
    Role.PRODUCER: "studio.index",
    Role.DEPARTMENT: "dept.index",
    Role.SUPERVISOR: "oversight.index",
}


def home_url(user: User) -> str:
    return url_for(ROLE_HOMES[user.role])


@bp.route("/login", methods=["GET", "POST"])
@per_username
@per_address
@allow(ANYONE)
def login_page():
    form = LoginForm()
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(home_url(current_user))
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(local_path(request.args.get("next")) or home_url(user))
        record_failure()
        flash(_("Wrong username or password."), "error")
    status = 200 if request.method == "GET" or form.errors == {} else 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@allow(ANYONE)
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login_page"))
