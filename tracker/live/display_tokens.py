"""Display tokens: optional keys for the display pages and the `/live` namespace."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..errors import NotFoundError
from ..extensions import db
from ..models import DisplayToken, utcnow

PREFIX = "ftd_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_display_token(name: str) -> tuple[DisplayToken, str]:
    """A new display token: the record, and the token itself (shown only now)."""
    secret = secrets.token_urlsafe(24)
    token = PREFIX + secret
    record = DisplayToken(name=name.strip() or "display", prefix=secret[:8], token_hash=_digest(token))
    db.session.add(record)
    db.session.commit()
    return record, token


def display_token_valid(token: object) -> bool:
    if not isinstance(token, str) or not token.startswith(PREFIX):
        return False
    record = db.session.scalar(select(DisplayToken).where(DisplayToken.token_hash == _digest(token)))
    return record is not None and record.revoked_at is None


def revoke_display_token(token_id: int) -> DisplayToken:
    record = db.session.get(DisplayToken, token_id)
    if record is None:
        raise NotFoundError("No such display token.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        db.session.commit()
    return record


def list_display_tokens() -> list[DisplayToken]:
    return list(db.session.scalars(select(DisplayToken).order_by(DisplayToken.id)))
