"""The public tracker's figures, computed once per change of the data and kept.

Every key carries the public data's version (`models.freshness`) and the Asia/Shanghai day
(what is overdue changes at midnight without any write), so nothing is ever invalidated by
hand: a write raises the version, the next reader computes under the new key, and the old
entries age out. The store is Flask-Caching's: one per process (SimpleCache), or Redis, shared
by every worker and host, when the deployment has a message queue (`TRACKER_MESSAGE_QUEUE`).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

from flask import Flask, g, has_request_context
from flask.blueprints import BlueprintSetupState
from flask_caching import Cache

from ..commitments import rules
from ..extensions import db
from ..models import freshness

TIMEOUT_SECONDS = 600      # a figure unread for this long is dropped (the key is stale by then anyway)
LOCAL_ENTRIES = 500        # per process, without Redis

cache = Cache()
T = TypeVar("T")


def init_app(app: Flask) -> None:
    """Choose the store: the app's own `CACHE_TYPE` if it names one, else Redis or per process."""
    config: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": TIMEOUT_SECONDS, "CACHE_THRESHOLD": LOCAL_ENTRIES,
                              "CACHE_KEY_PREFIX": app.config.get("REDIS_NAMESPACE", "tracker") + ":public:"}
    if "CACHE_TYPE" not in app.config:
        queue = app.config.get("MESSAGE_QUEUE")
        config.update({"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": queue} if queue
                      else {"CACHE_TYPE": "SimpleCache"})
    cache.init_app(app, config=config)


def on_register(state: BlueprintSetupState) -> None:
    """For `Blueprint.record_once`: the cache comes with the public tracker."""
    init_app(cast(Flask, state.app))  # Flask types the setup state's app as its sans-IO base


def stamp() -> tuple[int, datetime, str]:
    """This request's view of the data: its version, when that last moved, and today's day
    in Asia/Shanghai — read once per request (each time outside one)."""
    if has_request_context() and "public_stamp" in g:
        return g.public_stamp
    version, changed_at = freshness.current(db.session())
    seen = (version, changed_at, rules.today().isoformat())
    if has_request_context():
        g.public_stamp = seen
    return seen


def remembered(name: str, compute: Callable[..., T], *args: Any) -> T:
    """`compute(*args)`, from the cache when the data has not changed since it was kept."""
    version, changed_at, day = stamp()
    key = f"{name}:{version}.{changed_at.timestamp():.6f}:{day}:{args!r}"
    kept = cache.get(key)
    if kept is None:
        kept = (compute(*args),)     # a tuple, so that a computed None is kept too
        cache.set(key, kept)
    return kept[0]
