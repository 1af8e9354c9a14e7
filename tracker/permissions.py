"""Who may do what. Every endpoint declares its roles here, through `allow`.

Role checks answer 401 (no credentials) or 403 (wrong role) under `/api/`; pages send an
anonymous visitor to the login page and show a 403 page otherwise. Ownership — a department
user sees only what belongs to their department — is checked by the helpers below, which the
features call once they have loaded the object.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import redirect, request, url_for
from flask_login import current_user

from .errors import AppError, ForbiddenError, NotFoundError, is_api_request
from .models import Case, Role

ANYONE = "anyone"
STAFF = (Role.ADMIN, Role.PRODUCER, Role.SUPERVISOR)  # see every case, with its complainant


class UnauthenticatedError(AppError):
    status = 401


def allow(*roles: Role | str) -> Callable:
    """Let only these roles through (or `ANYONE`); recorded on the view as `allowed_roles`."""
    allowed = frozenset(Role(r) if r != ANYONE else r for r in roles)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            if ANYONE not in allowed:
                if not current_user.is_authenticated:
                    if is_api_request():
                        raise UnauthenticatedError("Sign in or send a bearer token.")
                    return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))
                if current_user.role not in allowed:
                    raise ForbiddenError("Your role may not do this.")
            return view(*args, **kwargs)

        guarded.allowed_roles = allowed  # type: ignore[attr-defined]  # a mark the permission tests read
        if ANYONE in allowed:  # the API description says so: no credentials needed
            apidoc = dict(getattr(guarded, "_apidoc", {}))
            apidoc["manual_doc"] = {**apidoc.get("manual_doc", {}), "security": []}
            guarded._apidoc = apidoc  # type: ignore[attr-defined]  # flask-smorest's place for the doc
        return guarded

    return decorate


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in STAFF


def sees_private_case_data(user: Any, case: Case) -> bool:
    """Admin, producer, supervisor and the case's own departments see the complainant."""
    if is_staff(user):
        return True
    if getattr(user, "is_authenticated", False) and user.role is Role.DEPARTMENT:
        return user.department_id in {link.department_id for link in case.department_links}
    return False


def ensure_case_visible(user: Any, case: Case | None) -> Case:
    """The case if this user may read it; 404 if it does not exist, 403 if it is not theirs."""
    if case is None:
        raise NotFoundError("No such case.")
    if not sees_private_case_data(user, case):
        raise ForbiddenError("This case belongs to another department.")
    return case
