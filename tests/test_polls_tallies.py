"""The coalesced tally push: at most one per interval per poll, across workers (Redis), and the
last push always counts the last ballot."""
from __future__ import annotations

import time

import pytest
import redis

from tracker.polls.tallies import MemoryTallies, RedisTallies

from .test_presence import redis_url


@pytest.fixture(params=["memory", "redis"])
def gate(request, app):
    if request.param == "memory":
        yield MemoryTallies(0.25)
        return
    url = redis_url()
    namespace = f"tracker-test-{time.time_ns()}"
    tallies = RedisTallies(url, namespace, 0.25)
    yield tallies
    tallies.close()
    _forget(url, namespace)


def _forget(url: str, namespace: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(namespace + ":*"):
        client.delete(key)
    client.close()


def test_the_first_ballot_after_a_quiet_spell_is_pushed_at_once(gate):
    assert gate.claim(7) == 0


def test_ballots_while_a_push_is_due_ride_on_it(gate):
    assert gate.claim(7) == 0
    assert gate.claim(7) is None
    assert gate.claim(7) is None
    assert gate.claim(8) == 0  # another poll has its own gate


def test_after_a_push_the_next_one_waits_for_the_interval(gate):
    gate.claim(7)
    gate.starting(7)
    wait = gate.claim(7)
    assert 0.2 <= wait <= 0.25
    assert gate.claim(7) is None
    time.sleep(0.26)
    gate.starting(7)
    assert 0.2 <= gate.claim(7) <= 0.25


def test_the_latest_tally_only_moves_forward(gate):
    assert gate.latest(7) is None
    gate.store(7, 2000, '{"total": 5}')
    gate.store(7, 1000, '{"total": 3}')
    assert gate.latest(7) == '{"total": 5}'


def test_two_workers_share_one_gate_through_redis(app):
    url = redis_url()
    namespace = f"tracker-test-{time.time_ns()}"
    first, second = RedisTallies(url, namespace, 0.25), RedisTallies(url, namespace, 0.25)
    assert first.claim(1) == 0
    assert second.claim(1) is None  # the other worker's push will count this ballot
    first.starting(1)
    assert 0 < second.claim(1) <= 0.25
    first.close()
    second.close()
    _forget(url, namespace)
