"""Settings: accounts with their roles and departments, and their API tokens."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.session import renew_own_session
from ..bounds import page_number
from ..departments import service as departments
from ..errors import AppError
from ..forms import flash_unplaced, form_status
from ..i18n import ROLE_LABELS
from ..models import ApiToken, Department, Role, User
from ..permissions import allow
from ..users import service as users
from .blueprint import bp, chosen, search_text
from .forms import ConfirmForm, TokenForm, UserCreateForm, UserEditForm, department_choices, grouped_departments

PER_PAGE = 50
STATUSES = ("active", "inactive")


@bp.route("/users")
@allow("admin")
def user_list():
    role, status = chosen("role", ROLE_LABELS), chosen("status", STATUSES)
    department = request.args.get("department", "").strip() or None
    page = page_number(request.args)
    items, total = users.find_accounts(role=role, department=department, q=search_text(),
                                       active=None if status is None else status == "active",
                                       page=page, per_page=PER_PAGE)
    filters = {"role": role, "department": department, "status": status, "q": search_text()}
    return render_template("admin/users.html", users=items, total=total, page=page, per_page=PER_PAGE,
                           filters=filters,
                           department_groups=grouped_departments(departments.list_departments()))


@bp.route("/users/new", methods=["GET", "POST"])
@allow("admin")
def user_new():
    # Most accounts are for department staff; never offer the administrator role by default.
    form = UserCreateForm(data={"role": Role.DEPARTMENT.value})
    _offer_departments(form)
    if form.validate_on_submit():
        try:
            user = users.create_account(form.username.data, form.password.data, form.role.data,
                                        department_code=_department_code(form), email=_email(form),
                                        display_name=form.display_name.data or "")
        except AppError as error:
            status = flash_unplaced(form, error)
        else:
            flash(_("Account %(username)s was created.", username=user.username), "success")
            return redirect(url_for(".user_list"))
    else:
        status = form_status(form)
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def user_edit(user_id: int):
    user = users.get_account(user_id)
    form = UserEditForm(data={"display_name": user.display_name, "email": user.email or "",
                              "role": user.role.value, "active": user.active,
                              "department_code": user.department.code if user.department else ""})
    _offer_departments(form, keep=user.department)
    if form.validate_on_submit():
        try:
            actor = current_user._get_current_object()
            users.update_account(actor, user, _changes(form))
            renew_own_session(actor, user)
        except AppError as error:
            status = flash_unplaced(form, error, aliases={"password": "new_password"})
        else:
            flash(_("Account %(username)s was saved.", username=user.username), "success")
            return redirect(url_for(".user_list"))
    else:
        status = form_status(form)
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/tokens", methods=["GET", "POST"])
@allow("admin")
def user_tokens(user_id: int):
    user = users.get_account(user_id)
    form = TokenForm()
    if form.validate_on_submit():
        try:
            record, token = users.create_token(user, form.name.data)
        except AppError as error:
            status = flash_unplaced(form, error)
        else:
            return _show_token_once(user, record, token)
    else:
        status = form_status(form)
    return render_template("admin/tokens.html", user=user, tokens=users.tokens_of(user), form=form), status


@bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@allow("admin")
def token_revoke(token_id: int):
    token = users.get_token(token_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        users.revoke_token(token.id)
        flash(_("Token “%(name)s” was revoked; it no longer works.", name=token.name), "success")
        return redirect(url_for(".user_tokens", user_id=token.user_id))
    return render_template("admin/token_revoke.html", token=token, form=form)


def _show_token_once(user: User, record: ApiToken, token: str):
    # The token exists only in this response: no redirect (it would have to travel through
    # the session or the URL), and no copy in any cache.
    response = make_response(render_template("admin/token_created.html", user=user, record=record, token=token))
    response.headers["Cache-Control"] = "no-store"
    return response


def _offer_departments(form: UserCreateForm | UserEditForm, keep: Department | None = None) -> None:
    form.department_code.choices = department_choices(departments.list_departments(), keep)


def _department_code(form: UserCreateForm | UserEditForm) -> str | None:
    # Without JavaScript the department select stays visible for every role; a department
    # left selected there means nothing unless the account is a department account.
    return (form.department_code.data or None) if form.role.data == Role.DEPARTMENT.value else None


def _email(form: UserCreateForm | UserEditForm) -> str | None:
    return (form.email.data or "").strip() or None


def _changes(form: UserEditForm) -> dict:
    changes = {"display_name": form.display_name.data or "", "email": _email(form), "role": form.role.data,
               "department_code": _department_code(form), "active": form.active.data}
    if form.new_password.data:
        changes["password"] = form.new_password.data
    return changes
