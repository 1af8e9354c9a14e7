"""Bearer secrets (API tokens, display tokens): shown once, stored only as a SHA-256."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from .errors import NotFoundError
from .extensions import db
from .models import utcnow


@dataclass(frozen=True)
class NewSecret:
    token: str        # given to the person once, never stored
    prefix: str       # the first characters after the marker, to recognise it in lists
    digest: str       # what is stored


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret(marker: str, nbytes: int = 32) -> NewSecret:
    secret = secrets.token_urlsafe(nbytes)
    token = marker + secret
    return NewSecret(token=token, prefix=secret[:8], digest=digest(token))


class Revocable(Protocol):
    revoked_at: datetime | None


R = TypeVar("R", bound=Revocable)


def revoke(model: type[R], record_id: int, what: str) -> R:
    """Mark a token revoked (once: a second revoke keeps the first moment); 404 if unknown."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFoundError(f"No such {what}.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        db.session.commit()
    return record
