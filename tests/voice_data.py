"""Test data for public reasons and disputes: commitments worked through the API, followers."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from tracker.extensions import db
from tracker.follows.service import token_hash
from tracker.models import Follow, OutgoingMail, utcnow

BASE = "https://tracker.example"
PHONE = "13812345678"
MASKED_PHONE = "138****5678"
NOTE = "内部备注：施工队长老周说暂不公开"
UNSATISFIED_ZH = "已核验（群众不满意）"
UNSATISFIED_EN = "Verified – caller not satisfied"


def path(commitment_id: int, action: str = "") -> str:
    return f"/api/v1/commitments/{commitment_id}" + (f"/{action}" if action else "")


def verify(supervisor, department_client, commitment_id: int, *, satisfaction: str = "satisfied",
           reason: str = "") -> dict:
    """Claim the commitment done and verify it through the API; the answer's JSON."""
    assert department_client.post(path(commitment_id, "claim-done"), json={"note": "道路已贯通"}).status_code == 200
    body = {"satisfaction": satisfaction, "note": NOTE, **({"public_reason": reason} if reason else {})}
    response = supervisor.post(path(commitment_id, "verify"), json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def follower(commitment_id: int, email: str, *, confirmed: bool = True, unsubscribed: bool = False) -> Follow:
    follow = Follow(commitment_id=commitment_id, email=email, token_hash=token_hash(secrets.token_urlsafe(16)),
                    confirmed_at=utcnow() if confirmed else None, unsubscribed_at=utcnow() if unsubscribed else None)
    db.session.add(follow)
    db.session.commit()
    return follow


def mails(kind_prefix: str = "") -> list[OutgoingMail]:
    db.session.expire_all()
    rows = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))
    return [row for row in rows if row.kind.startswith(kind_prefix)]


def page_csrf(client, url: str = "/login") -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
