"""Accounts and their API tokens, as administrators manage them.

Creating an account goes through `auth.service.create_user`; this module adds the checks an
administrator's form needs (every problem at once, e-mail addresses, inactive departments)
and the rules that keep the system administrable: nobody demotes or deactivates themself,
and the last active administrator stays.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import SQLColumnExpression, func, select

from .. import search
from ..auth import service as accounts
from ..errors import ConflictError, InvalidError, NotFoundError
from ..extensions import db
from ..models import ApiToken, Department, DepartmentKind, Role, User
from ..paging import one_page

# Deliberately loose: one "@", something on each side, a dot in the domain. Whether the
# address works is for the mail server to say; this only catches typing slips.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_EMAIL_LENGTH = 254
MAX_USERNAME_LENGTH = 64
MAX_DISPLAY_NAME_LENGTH = 100

Problems = dict[str, list[str]]


def email_problem(email: str | None) -> str | None:
    """Why this address cannot be stored, or None when it is fine (or empty)."""
    if email and (len(email) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.match(email)):
        return _("Not a valid e-mail address.")
    return None


def _department_for(role: Role, code: str | None, problems: Problems) -> Department | None:
    """The department an account with this role and code belongs to; problems are recorded."""
    if role is not Role.DEPARTMENT:
        if code:
            problems["department_code"] = [_("Only department accounts belong to a department.")]
        return None
    if not code:
        problems["department_code"] = [_("A department account needs a department.")]
        return None
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        problems["department_code"] = [_("No department with code %(code)s.", code=code)]
    elif not department.active:
        problems["department_code"] = [_("This department is deactivated.")]
    return department


def _check_password(password: str, problems: Problems) -> None:
    try:
        accounts.validate_password(password)
    except InvalidError:
        problems["password"] = [_("At least %(n)s characters.", n=accounts.MIN_PASSWORD_LENGTH)]


def _check_display_name(display_name: str | None, problems: Problems) -> None:
    if display_name and len(display_name.strip()) > MAX_DISPLAY_NAME_LENGTH:
        problems["display_name"] = [_("At most %(n)s characters.", n=MAX_DISPLAY_NAME_LENGTH)]


def _check_email(email: str | None, problems: Problems) -> None:
    problem = email_problem(email)
    if problem:
        problems["email"] = [problem]


def create_account(username: str, password: str, role: Role | str, *, department_code: str | None = None,
                   email: str | None = None, display_name: str = "") -> User:
    """A new account, or a 422 naming every field that is wrong."""
    role, username = Role(role), username.strip()
    problems: Problems = {}
    if not username:
        problems["username"] = [_("A username is required.")]
    elif len(username) > MAX_USERNAME_LENGTH:
        problems["username"] = [_("At most %(n)s characters.", n=MAX_USERNAME_LENGTH)]
    elif db.session.scalar(select(User.id).where(User.username == username)):
        problems["username"] = [_("This username is taken.")]
    _check_display_name(display_name, problems)
    _check_password(password, problems)
    _check_email(email, problems)
    _department_for(role, department_code, problems)
    if problems:
        raise InvalidError(_("The account could not be created."), fields=problems)
    return accounts.create_user(username, password, role, department_code=department_code or None,
                                email=email or None, display_name=display_name.strip())


def update_account(actor: User | None, user: User, changes: dict) -> User:
    """Apply an administrator's changes; 422 for bad fields or self-demotion, 409 for the last admin.

    `changes` holds only the fields to change: display_name, email, role, department_code
    (None to clear), active, password. A new password, deactivation, reactivation, a new role or
    department ends every session of the account and revokes its API tokens.
    """
    was_active_admin = user.role is Role.ADMIN and user.active
    _lock_active_admins()
    problems: Problems = {}
    role = Role(changes.get("role", user.role))
    department = _new_department(user, role, changes, problems)
    if "display_name" in changes:
        _check_display_name(changes["display_name"], problems)
    if changes.get("password") is not None:
        _check_password(changes["password"], problems)
    if "email" in changes:
        _check_email(changes["email"], problems)
    if problems:
        raise InvalidError(_("The account could not be changed."), fields=problems)
    ends_sessions = _ends_sessions(user, changes, role, department)
    _apply(user, changes, role, department)
    if ends_sessions:
        accounts.end_sessions(user, revoke_tokens=True)
    if was_active_admin and not (user.role is Role.ADMIN and user.active):
        _ensure_admin_remains(actor, user)
    db.session.commit()
    return user


def _new_department(user: User, role: Role, changes: dict, problems: Problems) -> Department | None:
    if "department_code" not in changes and role is user.role:
        return user.department
    # A new role and no department named: leaving the department role leaves it.
    code = changes.get("department_code")
    if role is Role.DEPARTMENT and user.department is not None and code == user.department.code:
        return user.department  # staying in a department that has since been deactivated is fine
    return _department_for(role, code, problems)


def _ends_sessions(user: User, changes: dict, role: Role, department: Department | None) -> bool:
    """A new password, deactivation or reactivation, a new role or department: whatever the
    account could do through its old sessions and tokens, it can no longer (or not the same)."""
    return (changes.get("password") is not None or role is not user.role or department is not user.department
            or ("active" in changes and bool(changes["active"]) != user.active))


def _apply(user: User, changes: dict, role: Role, department: Department | None) -> None:
    user.role, user.department = role, department
    if "display_name" in changes:
        user.display_name = (changes["display_name"] or "").strip() or user.username
    if "email" in changes:
        user.email = changes["email"] or None
    if "active" in changes:
        user.active = bool(changes["active"])
    if changes.get("password") is not None:
        user.password_hash = accounts.hash_password(changes["password"])


def _lock_active_admins() -> None:
    # On PostgreSQL two admins demoting each other at once would both see the other one
    # still there; locking the admin rows first makes the second wait and see the truth.
    # (SQLite has one writer at a time, and the count below runs after our own write.)
    db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))
                       .with_for_update()).all()


def _ensure_admin_remains(actor: User | None, user: User) -> None:
    db.session.flush()
    remaining = db.session.scalar(select(func.count(User.id))
                                  .where(User.role == Role.ADMIN, User.active.is_(True)))
    if not remaining:
        db.session.rollback()
        raise ConflictError(_("This is the last active administrator; make another account an "
                              "administrator first."))
    if actor is not None and actor.id == user.id:
        field = "active" if not user.active else "role"  # read before the rollback expires it
        db.session.rollback()
        message = _("You cannot deactivate your own account or take away your own administrator role; "
                    "ask another administrator.")
        raise InvalidError(message, fields={field: [message]})


def get_account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(_("No such user."))
    return user


def find_accounts(*, role: str | None = None, department: str | None = None, q: str | None = None,
                  active: bool | None = None, page: int = 1, per_page: int = 50) -> tuple[list[User], int]:
    """One page of accounts matching the filters (department by code), by username; and the total."""
    query = select(User)
    if role:
        query = query.where(User.role == Role(role))
    if department:
        query = query.where(User.department.has(Department.code == department))
    if active is not None:
        query = query.where(User.active.is_(active))
    if q and q.strip():
        query = query.where(search.like_all((User.username, User.display_name, User.email), q))
    return one_page(query.order_by(User.username), page, per_page)


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.id.desc())))


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for an active account: the record, and the token itself (shown only now)."""
    name = name.strip()
    if not name:
        raise InvalidError(_("The token needs a name."), fields={"name": [_("A name is required.")]})
    if not user.active:
        raise ConflictError(_("This account is deactivated; a token for it would not work."))
    return accounts.issue_token(user, name)


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(_("No such token."))
    return token


def revoke_token(token_id: int) -> ApiToken:
    """Revoke any token (revoking twice keeps the first time); 404 if it does not exist."""
    return accounts.revoke_token(get_token(token_id).id)


def revoke_own_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; someone else's is as unknown as a missing one."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFoundError(_("No such token."))
    return accounts.revoke_token(token.id)


def overview() -> dict:
    """Counts for the settings overview."""
    by_role = dict(db.session.execute(select(User.role, func.count(User.id))
                                      .where(User.active.is_(True)).group_by(User.role)).all())
    by_kind = dict(db.session.execute(select(Department.kind, func.count(Department.id))
                                      .where(Department.active.is_(True)).group_by(Department.kind)).all())
    return {
        "users_by_role": {role: by_role.get(role, 0) for role in Role},
        "inactive_users": _count(User.id, User.active.is_(False)),
        "departments_by_kind": {kind: by_kind.get(kind, 0) for kind in DepartmentKind},
        "inactive_departments": _count(Department.id, Department.active.is_(False)),
        "live_tokens": _count(ApiToken.id, ApiToken.revoked_at.is_(None)),
    }


def _count(column: SQLColumnExpression[Any], *conditions: SQLColumnExpression[bool]) -> int:
    return db.session.scalar(select(func.count(column)).where(*conditions)) or 0
