"""Display tokens: optional keys for the display pages and the `/live` namespace."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import DisplayToken
from ..secrets_util import digest, new_secret, revoke

PREFIX = "ftd_"


def issue_display_token(name: str) -> tuple[DisplayToken, str]:
    """A new display token: the record, and the token itself (shown only now)."""
    secret = new_secret(PREFIX, 24)
    record = DisplayToken(name=name.strip() or "display", prefix=secret.prefix, token_hash=secret.digest)
    db.session.add(record)
    db.session.commit()
    return record, secret.token


def display_token_valid(token: object) -> bool:
    if not isinstance(token, str) or not token.startswith(PREFIX):
        return False
    record = db.session.scalar(select(DisplayToken).where(DisplayToken.token_hash == digest(token)))
    return record is not None and record.revoked_at is None


def revoke_display_token(token_id: int) -> DisplayToken:
    return revoke(DisplayToken, token_id, "display token")


def list_display_tokens() -> list[DisplayToken]:
    return list(db.session.scalars(select(DisplayToken).order_by(DisplayToken.id)))
