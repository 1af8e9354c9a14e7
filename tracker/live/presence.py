"""Who is watching an episode: the displays (by name) and the producers' consoles.

Entries outlive their connection — a display that dropped off stays listed as offline, with
the moment it went, so the console can say "大屏2 离线 12 秒". With a message queue the
entries live in Redis, so every worker's console sees every worker's displays.
"""
from __future__ import annotations

import json
import threading

from flask import Flask, current_app

from ..models import utcnow



class MemoryPresence:
    def __init__(self) -> None:
        self._entries: dict[int, dict[str, dict]] = {}
        self._lock = threading.Lock()

    def put(self, episode_id: int, key: str, entry: dict) -> None:
        with self._lock:
            self._entries.setdefault(episode_id, {})[key] = entry

    def get(self, episode_id: int, key: str) -> dict | None:
        return self._entries.get(episode_id, {}).get(key)

    def all(self, episode_id: int) -> list[dict]:
        return list(self._entries.get(episode_id, {}).values())


class RedisPresence:
    def __init__(self, url: str, namespace: str) -> None:
        import redis  # the optional `redis` extra: only needed where a queue is configured

        self._redis = redis.Redis.from_url(url)
        self._key = namespace + ":live:presence:{}"

    def put(self, episode_id: int, key: str, entry: dict) -> None:
        self._redis.hset(self._key.format(episode_id), key, json.dumps(entry, ensure_ascii=False))

    def get(self, episode_id: int, key: str) -> dict | None:
        raw = self._redis.hget(self._key.format(episode_id), key)
        return json.loads(raw) if raw else None

    def all(self, episode_id: int) -> list[dict]:
        return [json.loads(raw) for raw in self._redis.hgetall(self._key.format(episode_id)).values()]


def store() -> MemoryPresence | RedisPresence:
    return current_app.extensions["tracker.presence"]


def connected(episode_id: int, key: str, kind: str, name: str, sid: str, **extra) -> None:
    entry = store().get(episode_id, key) or {}
    entry.update({"key": key, "kind": kind, "name": name, "sid": sid, "online": True,
                  "since": utcnow().isoformat(), **extra})
    store().put(episode_id, key, entry)


def disconnected(episode_id: int, key: str, sid: str) -> bool:
    """Mark offline, unless the same client has reconnected on another connection meanwhile."""
    entry = store().get(episode_id, key)
    if entry is None or entry.get("sid") != sid:
        return False
    entry.update({"online": False, "since": utcnow().isoformat()})
    store().put(episode_id, key, entry)
    return True


def applied(episode_id: int, key: str, version: int) -> None:
    entry = store().get(episode_id, key)
    if entry is not None:
        entry["version"] = version
        store().put(episode_id, key, entry)


def listing(episode_id: int) -> list[dict]:
    """Everyone, consoles first, then displays by name; without connection ids."""
    entries = sorted(store().all(episode_id), key=lambda e: (e["kind"] != "console", e["name"]))
    return [{k: v for k, v in entry.items() if k != "sid"} for entry in entries]


def sid_of(episode_id: int, key: str) -> str | None:
    entry = store().get(episode_id, key)
    return entry["sid"] if entry and entry.get("online") else None


def init_app(app: Flask) -> None:
    url = app.config.get("MESSAGE_QUEUE")
    app.extensions["tracker.presence"] = RedisPresence(url, app.config["REDIS_NAMESPACE"]) if url else MemoryPresence()
