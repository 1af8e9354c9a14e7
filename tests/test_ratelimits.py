"""The rate limits' one-process storage: counts like limits' own, without a timer per hit."""
from __future__ import annotations

import threading
import time

from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from tracker.ratelimits import SweepingMemoryStorage


def test_it_limits_like_the_memory_storage_without_starting_a_thread_per_hit():
    storage = storage_from_string("tracker-memory://")
    assert isinstance(storage, SweepingMemoryStorage)
    limiter, limit = FixedWindowRateLimiter(storage), RateLimitItemPerSecond(3)
    started = threading.active_count()
    assert [limiter.hit(limit, "phone") for _ in range(5)] == [True, True, True, False, False]
    assert limiter.hit(limit, "another address")
    assert threading.active_count() <= started  # no sweeping timer per hit


def test_expired_counters_are_swept_at_most_once_a_second():
    storage = SweepingMemoryStorage()
    time.sleep(0.05)  # limits' own first sweep, started with the storage, is over
    storage.incr("gone", expiry=0.001)
    time.sleep(0.01)
    storage.incr("other", expiry=60)
    assert "gone" in storage.storage  # swept less than a second ago: still there
    storage._swept_at -= 1
    storage.incr("other", expiry=60)
    assert "gone" not in storage.storage and storage.get("other") == 2
