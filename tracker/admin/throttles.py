"""Settings: the login throttles in force, and lifting them (a producer who mistyped at the
studio's address, an office behind one address)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth import throttle
from ..errors import NotFoundError
from ..models.login_throttles import EVERY_USERNAME
from ..permissions import allow
from .blueprint import bp
from .forms import ConfirmForm


@bp.route("/login-throttles")
@allow("admin")
def login_throttles():
    return render_template("admin/login_throttles.html", throttles=throttle.current_throttles(),
                           now=throttle.clock(), lift_form=ConfirmForm(), every_username=EVERY_USERNAME)


@bp.route("/login-throttles/<int:throttle_id>/lift", methods=["POST"])
@allow("admin")
def login_throttle_lift(throttle_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            lifted = throttle.lift(throttle_id)
        except NotFoundError:
            flash(_("This throttle was already lifted or has expired."), "info")
        else:
            if lifted.username == EVERY_USERNAME:
                flash(_("Sign-ins from %(address)s are no longer delayed.", address=lifted.address), "success")
            else:
                flash(_("Sign-ins as %(username)s from %(address)s are no longer delayed.",
                        username=lifted.username, address=lifted.address), "success")
    return redirect(url_for(".login_throttles"))
