"""The latest `state` of each episode, kept encoded so that a reconnect storm costs no queries.

After a change commits, `refresh` builds the state once from the database and stores it; every
client that connects or resyncs afterwards is served from the store. With one process the store
is a dictionary; with a message queue (several workers or hosts) it is Redis, so that every
worker serves the same, latest state. A store only ever moves forward: an older version
arriving late never replaces a newer one. Redis entries expire after an hour, so that a
database restored to an earlier point cannot leave a newer-looking snapshot in place for long.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable

from flask import Flask, current_app

from .state import build_state

# Store (version, payload) only if newer than what is there; atomic in Redis.
NEWER_ONLY = """
local current = redis.call('HGET', KEYS[1], 'version')
if (not current) or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'version', ARGV[1], 'payload', ARGV[2])
  redis.call('EXPIRE', KEYS[1], 3600)
  return 1
end
return 0
"""


class MemoryStore:
    def __init__(self) -> None:
        self._states: dict[int, tuple[int, str]] = {}
        self._lock = threading.Lock()

    def get(self, episode_id: int) -> str | None:
        entry = self._states.get(episode_id)
        return entry[1] if entry else None

    def put(self, episode_id: int, version: int, payload: str) -> None:
        with self._lock:
            current = self._states.get(episode_id)
            if current is None or current[0] < version:
                self._states[episode_id] = (version, payload)


class RedisStore:
    def __init__(self, url: str, namespace: str) -> None:
        import redis  # the optional `redis` extra: only needed where a queue is configured

        self._redis = redis.Redis.from_url(url)
        self._put = self._redis.register_script(NEWER_ONLY)
        self._key = namespace + ":live:state:{}"

    def get(self, episode_id: int) -> str | None:
        payload = self._redis.hget(self._key.format(episode_id), "payload")
        if not payload:
            return None
        return payload.decode() if isinstance(payload, bytes) else payload

    def put(self, episode_id: int, version: int, payload: str) -> None:
        self._put(keys=[self._key.format(episode_id)], args=[version, payload])


class Snapshots:
    """Latest state per episode, built at most once per version and process."""

    def __init__(self, store: MemoryStore | RedisStore, build: Callable[[int], dict] = build_state) -> None:
        self.store = store
        self._build = build
        self._building: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def refresh(self, episode_id: int) -> dict:
        """Build from the database (after a commit) and store; the state built."""
        state = self._build(episode_id)
        self.store.put(episode_id, state["version"], json.dumps(state, ensure_ascii=False))
        return state

    def latest(self, episode_id: int) -> dict:
        """The stored state, building it once if nothing is stored (first client after a restart)."""
        payload = self.store.get(episode_id)
        if payload is None:
            with self._lock_for(episode_id):  # single flight: the storm waits for one build
                payload = self.store.get(episode_id)
                if payload is None:
                    return self.refresh(episode_id)
        return json.loads(payload)

    def _lock_for(self, episode_id: int) -> threading.Lock:
        with self._guard:
            return self._building.setdefault(episode_id, threading.Lock())


def init_app(app: Flask) -> None:
    url = app.config.get("MESSAGE_QUEUE")
    store = RedisStore(url, app.config["REDIS_NAMESPACE"]) if url else MemoryStore()
    app.extensions["tracker.snapshots"] = Snapshots(store)


def snapshots() -> Snapshots:
    return current_app.extensions["tracker.snapshots"]
