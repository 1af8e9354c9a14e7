"""The settings forms. The services check everything again; these give early, translated messages."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..auth.service import MIN_PASSWORD_LENGTH
from ..departments.service import CODE_PATTERN
from ..extensions import db
from ..i18n import ROLE_LABELS
from ..models import Department, DepartmentKind, Role
from ..users.service import email_problem

KIND_LABELS = {
    DepartmentKind.MUNICIPAL.value: _l("Municipal department"),
    DepartmentKind.COUNTY.value: _l("County-level government"),
    DepartmentKind.ENTERPRISE.value: _l("Public-service company"),
    DepartmentKind.OTHER.value: _l("Other"),
}
NO_DEPARTMENT = ""


def kind_label(kind: DepartmentKind | str) -> str:
    return str(KIND_LABELS[DepartmentKind(kind).value])


def _valid_email(_form: FlaskForm, field: StringField) -> None:
    problem = email_problem((field.data or "").strip())
    if problem:
        raise ValidationError(problem)


def _options(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class _DepartmentFields(FlaskForm):
    name = StringField(_l("Department name"), validators=[DataRequired(), Length(max=100)], filters=[_strip])
    kind = SelectField(_l("Kind"), choices=_options(KIND_LABELS),
                       default=DepartmentKind.MUNICIPAL.value)

    def __init__(self, *args: Any, department_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.department_id = department_id

    def validate_name(self, field: StringField) -> None:
        clash = select(Department.id).where(Department.name == field.data)
        if self.department_id is not None:
            clash = clash.where(Department.id != self.department_id)
        if db.session.scalar(clash):
            raise ValidationError(_l("Another department already has this name."))


class DepartmentCreateForm(_DepartmentFields):
    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=32),
        Regexp(CODE_PATTERN, message=_l("Letters, digits, '-' or '_', starting with a letter or digit.")),
    ], filters=[_strip],
        description=_l("A short code used in filters and imports, e.g. ZJJ. It cannot be changed later."))

    def validate_code(self, field: StringField) -> None:
        if db.session.scalar(select(Department.id).where(Department.code == field.data)):
            raise ValidationError(_l("This code is already in use."))


class DepartmentEditForm(_DepartmentFields):
    active = BooleanField(_l("Active: can be given cases, commitments and accounts"))


def grouped_departments(departments: list[Department]) -> list[tuple[str, list[Department]]]:
    """Departments grouped by kind (municipal first), each group sorted by code."""
    order = list(KIND_LABELS)
    groups: dict[str, list[Department]] = {}
    for department in sorted(departments, key=lambda d: (order.index(d.kind.value), d.code)):
        groups.setdefault(kind_label(department.kind), []).append(department)
    return list(groups.items())


def department_choices(departments: list[Department], keep: Department | None = None) -> list[SelectChoice]:
    """Options for the department select: the active departments, grouped by kind.

    `keep` stays selectable even when deactivated, so editing such an account does not move it.
    """
    listed = [d for d in departments if d.active or (keep is not None and d.id == keep.id)]
    choices = [SelectChoice(NO_DEPARTMENT, str(_l("— none —")))]
    for group, members in grouped_departments(listed):
        choices.extend(SelectChoice(d.code, f"{d.code} · {d.name}", optgroup=group) for d in members)
    return choices


class _AccountFields(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=100)],
                               description=_l("The name others see, e.g. 王主任. Defaults to the username."))
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254), _valid_email],
                        description=_l("Where reminders go; department accounts without one get none."))
    role = SelectField(_l("Role"), choices=_options(ROLE_LABELS))
    # Any code is accepted here; the service says which codes exist and fit the role.
    department_code = SelectField(_l("Department"), choices=[], validate_choice=False, default=NO_DEPARTMENT,
                                  description=_l("Only for department accounts, which see their department's items."))

    def validate_department_code(self, field: SelectField) -> None:
        if self.role.data == Role.DEPARTMENT.value and not field.data:
            raise ValidationError(_l("A department account needs a department."))


class UserCreateForm(_AccountFields):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)], filters=[_strip])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=256)],
                             description=_l("At least %(n)s characters; give it to the person in a safe way.",
                                            n=MIN_PASSWORD_LENGTH))


class UserEditForm(_AccountFields):
    active = BooleanField(_l("Active: can sign in and use API tokens"))
    new_password = PasswordField(_l("New password"),
                                 validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=256)],
                                 description=_l("Leave empty to keep the current password."))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. studio big screen or newsroom script."))


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that act."""


class DisplayTokenForm(FlaskForm):
    name = StringField(_l("Screen name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Which screen or browser source uses it, e.g. studio big screen 2 or OBS."))
