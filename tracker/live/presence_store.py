"""Where presence entries live: a dictionary in one process, a Redis hash per episode with a
message queue (so every worker's console sees every worker's displays).

Both offer the same two operations. `update` reads an episode's entries and applies the writes
a function makes of them atomically: under a lock here, as an optimistic (WATCH) transaction in
Redis, which runs the function again if another worker changed the entries meanwhile — so the
function must only compute, never act.
"""
from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the optional `redis` extra
    from redis.client import Pipeline

Entries = dict[str, dict]
# What an update function returns: the entries to write (None deletes one), and its answer.
Change = Callable[[Entries], tuple[dict[str, dict | None], Any]]


class MemoryPresence:
    def __init__(self) -> None:
        self._entries: dict[int, Entries] = {}
        self._lock = threading.Lock()

    def entries(self, episode_id: int) -> Entries:
        with self._lock:
            return copy.deepcopy(self._entries.get(episode_id, {}))

    def update(self, episode_id: int, change: Change) -> Any:
        with self._lock:
            entries = self._entries.get(episode_id, {})
            writes, answer = change(copy.deepcopy(entries))
            for key, entry in writes.items():
                if entry is None:
                    entries.pop(key, None)
                else:
                    entries[key] = entry
            if entries:
                self._entries[episode_id] = entries
            else:
                self._entries.pop(episode_id, None)
            return answer


class RedisPresence:
    def __init__(self, url: str, namespace: str, ttl: int) -> None:
        import redis  # the optional `redis` extra: only needed where a queue is configured

        self._redis = redis.Redis.from_url(url)
        self._key = namespace + ":live:presence:{}"
        # Every write renews it; listed clients write at least once a minute (`time`), so the
        # hash outlives its last client by `ttl`, even if that client's worker died silently.
        self._ttl = ttl

    def entries(self, episode_id: int) -> Entries:
        return _decoded(self._redis.hgetall(self._key.format(episode_id)))

    def update(self, episode_id: int, change: Change) -> Any:
        name = self._key.format(episode_id)

        def attempt(pipe: Pipeline) -> Any:  # watching `name`
            writes, answer = change(_decoded(pipe.hgetall(name)))
            pipe.multi()
            for key, entry in writes.items():
                if entry is None:
                    pipe.hdel(name, key)
                else:
                    pipe.hset(name, key, json.dumps(entry, ensure_ascii=False))
            if writes:
                pipe.expire(name, self._ttl)
            return answer

        return self._redis.transaction(attempt, name, value_from_callable=True)


def _decoded(raw: dict) -> Entries:
    return {key.decode(): json.loads(value) for key, value in raw.items()}
