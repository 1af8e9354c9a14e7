"""Passwords, sessions' users and bearer tokens."""
from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select, update

from ..errors import InvalidError
from ..extensions import db
from ..models import ApiToken, Department, Role, User, utcnow
from ..secrets_util import digest, new_secret, revoke

TOKEN_PREFIX = "ftt_"
MIN_PASSWORD_LENGTH = 8
# argon2id with the library's current recommended cost; the test suite asks for a cheap one
# (PASSWORD_HASH_CHEAP) so that hundreds of logins do not dominate its run time.
_HASHERS = {
    False: PasswordHasher(),
    True: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID),
}
# Verifying against a dummy hash when the user does not exist keeps the answer time the
# same, so timing does not tell which usernames exist.
_DUMMY_HASHES = {cheap: hasher.hash("not a real password") for cheap, hasher in _HASHERS.items()}


def _hasher() -> PasswordHasher:
    return _HASHERS[bool(current_app.config.get("PASSWORD_HASH_CHEAP"))]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True if the password is the user's; upgrades an outdated hash on the way."""
    hasher = _hasher()
    stored = user.password_hash if user else _DUMMY_HASHES[hasher is _HASHERS[True]]
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    return True


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, with the login time recorded; else None."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if not check_password(user, password) or user is None or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def end_sessions(user: User, *, revoke_tokens: bool) -> None:
    """Sign the account out everywhere: every session cookie issued so far stops working at its
    next request, reactivation included; with `revoke_tokens`, its live API tokens are revoked
    too. Part of the caller's transaction (the caller commits)."""
    # Raised in SQL, so two changes at once never leave the old generation standing.
    user.session_generation = User.session_generation + 1
    if revoke_tokens:
        db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidError("The password is too short.",
                           fields={"password": [f"At least {MIN_PASSWORD_LENGTH} characters."]})


def create_user(username: str, password: str, role: Role | str, *, department_code: str | None = None,
                email: str | None = None, display_name: str = "") -> User:
    """A new account; department users must name their department, others must not."""
    role = Role(role)
    problems: dict[str, list[str]] = {}
    username = username.strip()
    if not username:
        problems["username"] = ["A username is required."]
    elif db.session.scalar(select(User.id).where(User.username == username)):
        problems["username"] = ["This username is taken."]
    department = None
    if role is Role.DEPARTMENT:
        if not department_code:
            problems["department"] = ["A department account needs a department."]
        else:
            department = db.session.scalar(select(Department).where(Department.code == department_code))
            if department is None:
                problems["department"] = [f"No department with code {department_code}."]
    elif department_code:
        problems["department"] = ["Only department accounts belong to a department."]
    if problems:
        raise InvalidError("The account could not be created.", fields=problems)
    validate_password(password)
    user = User(username=username, password_hash=hash_password(password), role=role,
                department=department, email=email or None, display_name=display_name or username)
    db.session.add(user)
    db.session.commit()
    return user


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for the user: the record, and the token itself (shown only now)."""
    secret = new_secret(TOKEN_PREFIX)
    record = ApiToken(user=user, name=name, prefix=secret.prefix, token_hash=secret.digest)
    db.session.add(record)
    db.session.commit()
    return record, secret.token


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if record is None or record.revoked or not record.user.active:
        return None
    return record.user


def revoke_token(token_id: int) -> ApiToken:
    return revoke(ApiToken, token_id, "token")


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))
