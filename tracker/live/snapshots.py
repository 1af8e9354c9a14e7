"""The latest `state` of each episode, kept encoded so that a reconnect storm costs no queries.

After a change commits, `refresh` builds the state once from the database, encodes it once (the
JSON text every push, connect and `resync` of that version sends as it is, see packets.py) and
stores it; every client that connects or resyncs afterwards is served from the store. With one process the store
is a dictionary; with a message queue (several workers or hosts) it is Redis, so that every
worker serves the same, latest state. A store only ever moves forward: an older version
arriving late never replaces a newer one. Redis entries expire after an hour, so that a
database restored to an earlier point cannot leave a newer-looking snapshot in place for long.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from .packets import EncodedJSON, encode
from .state import LiveRead, read_live, state_of

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


@dataclass(frozen=True)
class Snapshot:
    """One version of an episode's state: its JSON text, encoded once, and what the server itself
    needs to know of it (the poll, for a connecting client's tally)."""

    episode_id: int
    version: int
    payload: EncodedJSON
    poll: dict | None

    @classmethod
    def of(cls, episode_id: int, state: dict) -> Snapshot:
        return cls(episode_id, state["version"], encode_state(state), state.get("poll"))

    @classmethod
    def parse(cls, episode_id: int, version: int, payload: str) -> Snapshot:
        return cls(episode_id, version, EncodedJSON(payload), json.loads(payload).get("poll"))


def encode_state(state: dict) -> EncodedJSON:
    """The one serialisation of a state version (tests count the calls)."""
    return encode(state)


class MemoryStore:
    def __init__(self) -> None:
        self._states: dict[int, Snapshot] = {}
        self._lock = threading.Lock()

    def get(self, episode_id: int) -> Snapshot | None:
        return self._states.get(episode_id)

    def put(self, snapshot: Snapshot) -> None:
        with self._lock:
            current = self._states.get(snapshot.episode_id)
            if current is None or current.version < snapshot.version:
                self._states[snapshot.episode_id] = snapshot


class RedisStore:
    """Shared by every worker; each process parses a version it has not seen once, not per client."""

    def __init__(self, url: str, namespace: str) -> None:
        import redis  # the optional `redis` extra: only needed where a queue is configured

        self._redis = redis.Redis.from_url(url)
        self._put = self._redis.register_script(NEWER_ONLY)
        self._key = namespace + ":live:state:{}"
        self._seen: dict[int, Snapshot] = {}

    def get(self, episode_id: int) -> Snapshot | None:
        version, payload = self._redis.hmget(self._key.format(episode_id), ["version", "payload"])
        if not payload or version is None:
            return None
        seen = self._seen.get(episode_id)
        if seen is not None and seen.version == int(version):
            return seen
        text = payload.decode() if isinstance(payload, bytes) else payload
        snapshot = Snapshot.parse(episode_id, int(version), text)
        self._seen[episode_id] = snapshot
        return snapshot

    def put(self, snapshot: Snapshot) -> None:
        self._put(keys=[self._key.format(snapshot.episode_id)], args=[snapshot.version, str(snapshot.payload)])
        self._seen[snapshot.episode_id] = snapshot


class Snapshots:
    """Latest state per episode, built and encoded at most once per version and process."""

    def __init__(self, store: MemoryStore | RedisStore, read: Callable[[int], LiveRead] = read_live) -> None:
        self.store = store
        self._read = read
        self._building: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def refresh(self, episode_id: int, read: LiveRead | None = None) -> Snapshot:
        """Build from the database (after a commit), or from rows just read, and store."""
        snapshot = Snapshot.of(episode_id, state_of(read or self._read(episode_id)))
        self.store.put(snapshot)
        return snapshot

    def keep(self, snapshot: Snapshot) -> None:
        """Store a version encoded elsewhere (the publisher's, once it is sent)."""
        self.store.put(snapshot)

    def latest(self, episode_id: int) -> Snapshot:
        """The stored state, building it once if nothing is stored (first client after a restart)."""
        snapshot = self.store.get(episode_id)
        if snapshot is None:
            with self._lock_for(episode_id):  # single flight: the storm waits for one build
                snapshot = self.store.get(episode_id)
                if snapshot is None:
                    return self.refresh(episode_id)
        return snapshot

    def _lock_for(self, episode_id: int) -> threading.Lock:
        with self._guard:
            return self._building.setdefault(episode_id, threading.Lock())


def init_app(app: Flask) -> None:
    url = app.config.get("MESSAGE_QUEUE")
    store = RedisStore(url, app.config["REDIS_NAMESPACE"]) if url else MemoryStore()
    app.extensions["tracker.snapshots"] = Snapshots(store)


def snapshots() -> Snapshots:
    return current_app.extensions["tracker.snapshots"]
