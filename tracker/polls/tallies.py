"""Coalesced tallies: at most one `tally` push per poll per interval (0.25 s), across every worker.

A stored ballot asks for a push (`claim`). The first claim after a quiet spell is told to push
at once; later ones are told how long to wait until the interval since the last push is over,
and only one claim at a time holds the "due" mark: every other claim returns None, because the
push already due will count its ballot too. The pusher calls `starting` *before* it counts
(it clears the mark and stamps the time), so a ballot committed after the count always finds
the mark clear and asks for a push of its own: no ballot is left out of the last push.

With one process the marks live in a dictionary; with a message queue they live in Redis, so
that all workers together push at most 4 times a second per poll. A due mark expires after
a few seconds, so a worker killed while holding it cannot stop the tally for good. The latest
tally pushed is kept too (`latest`), for clients that connect between two pushes.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app

DUE_TTL_MS = 5000
LATEST_TTL_S = 3600

# KEYS: due mark, last push; ARGV: now (ms), interval (ms), due ttl (ms). Returns the wait in
# ms, or -1 when a push is already due.
CLAIM = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[3]) then
  return -1
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local wait = last + tonumber(ARGV[2]) - tonumber(ARGV[1])
if wait < 0 then wait = 0 end
return wait
"""
# KEYS: latest; ARGV: computed_at (ms), payload. Keeps only the newer.
NEWER_ONLY = """
local current = redis.call('HGET', KEYS[1], 'at')
if (not current) or tonumber(current) <= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'at', ARGV[1], 'payload', ARGV[2])
  redis.call('EXPIRE', KEYS[1], 3600)
end
return 0
"""


def millis() -> int:
    return int(time.time() * 1000)


class MemoryTallies:
    def __init__(self, interval: float, clock: Callable[[], int] = millis) -> None:
        self.interval_ms = int(interval * 1000)
        self._clock = clock
        self._due: dict[int, int] = {}
        self._last: dict[int, int] = {}
        self._latest: dict[int, tuple[int, str]] = {}
        self._later = 0   # delayed pushes scheduled and not yet finished (tests wait for them)
        self._lock = threading.Lock()

    def claim(self, poll_id: int) -> float | None:
        """Seconds to wait before pushing (0: now), or None when a push is already due."""
        with self._lock:
            moment = self._clock()
            if self._due.get(poll_id, 0) > moment:
                return None
            self._due[poll_id] = moment + DUE_TTL_MS
            wait = max(0, self._last.get(poll_id, 0) + self.interval_ms - moment) / 1000
            self._later += 1 if wait else 0
            return wait

    def starting(self, poll_id: int) -> None:
        with self._lock:
            self._last[poll_id] = self._clock()
            self._due.pop(poll_id, None)

    def finished(self) -> None:
        """A delayed push is over."""
        with self._lock:
            self._later -= 1

    def pending(self) -> bool:
        """Whether a delayed push has yet to finish."""
        with self._lock:
            return self._later > 0

    def store(self, poll_id: int, at: int, payload: str) -> None:
        with self._lock:
            current = self._latest.get(poll_id)
            if current is None or current[0] <= at:
                self._latest[poll_id] = (at, payload)

    def latest(self, poll_id: int) -> str | None:
        entry = self._latest.get(poll_id)
        return entry[1] if entry else None


class RedisTallies:
    def __init__(self, url: str, namespace: str, interval: float) -> None:
        import redis  # the optional `redis` extra: only needed where a queue is configured

        self.interval_ms = int(interval * 1000)
        self._redis = redis.Redis.from_url(url)
        self._claim = self._redis.register_script(CLAIM)
        self._store = self._redis.register_script(NEWER_ONLY)
        self._key = namespace + ":poll:{}:{}"

    def claim(self, poll_id: int) -> float | None:
        wait = self._claim(keys=[self._key.format(poll_id, "due"), self._key.format(poll_id, "last")],
                           args=[millis(), self.interval_ms, DUE_TTL_MS])
        return None if int(wait) < 0 else int(wait) / 1000

    def starting(self, poll_id: int) -> None:
        pipe = self._redis.pipeline()
        pipe.set(self._key.format(poll_id, "last"), millis(), px=60_000)
        pipe.delete(self._key.format(poll_id, "due"))
        pipe.execute()

    def finished(self) -> None:
        pass

    def pending(self) -> bool:
        return False

    def store(self, poll_id: int, at: int, payload: str) -> None:
        self._store(keys=[self._key.format(poll_id, "latest")], args=[at, payload])

    def latest(self, poll_id: int) -> str | None:
        payload = self._redis.hget(self._key.format(poll_id, "latest"), "payload")
        if not payload:
            return None
        return payload.decode() if isinstance(payload, bytes) else payload

    def close(self) -> None:
        self._redis.close()


def init_app(app: Flask) -> None:
    url, interval = app.config.get("MESSAGE_QUEUE"), float(app.config["POLL_TALLY_INTERVAL"])
    app.extensions["tracker.tallies"] = (RedisTallies(url, app.config["REDIS_NAMESPACE"], interval) if url
                                         else MemoryTallies(interval))


def tallies() -> MemoryTallies | RedisTallies:
    return current_app.extensions["tracker.tallies"]


def encode(tally: dict) -> str:
    return json.dumps(tally, ensure_ascii=False)
