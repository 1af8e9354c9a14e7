"""`GET /api/v1/health`: is the database reachable, and the message queue if there is one."""
from __future__ import annotations

from flask import current_app
from marshmallow import Schema, fields
from sqlalchemy import text

from .api import api_blueprint
from .extensions import db
from .permissions import ANYONE, allow

blp = api_blueprint("health_api", __name__, "/health", description="Liveness for load balancers and monitors")


class HealthOut(Schema):
    status = fields.String(metadata={"enum": ["ok", "error"]})
    database = fields.String(metadata={"enum": ["ok", "error"]})
    message_queue = fields.String(metadata={"enum": ["ok", "error", "disabled"]})


def database_status() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:
        current_app.logger.exception("Health check: database unreachable")
        db.session.rollback()
        return "error"


def message_queue_status() -> str:
    url = current_app.config.get("MESSAGE_QUEUE")
    if not url:
        return "disabled"
    try:
        import redis  # the optional `redis` extra; only needed where a queue is configured

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        return "ok"
    except Exception:
        current_app.logger.exception("Health check: message queue unreachable")
        return "error"


@blp.route("", methods=["GET"])
@allow(ANYONE)
@blp.response(200, HealthOut)
@blp.alt_response(503, schema=HealthOut, description="a dependency is down")
def health():
    report = {"database": database_status(), "message_queue": message_queue_status()}
    healthy = all(value in ("ok", "disabled") for value in report.values())
    return {"status": "ok" if healthy else "error", **report}, 200 if healthy else 503
