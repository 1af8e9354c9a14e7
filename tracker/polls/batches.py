"""Group commit for ballots: the ballots that arrive within a few milliseconds share one transaction.

A ballot costs little next to its commit and its queries, and under gevent on SQLite every
statement holds the whole worker. So a ballot request does not write: it hands its ballot to
the process's `BallotQueue` and waits. The first request to find no writer at work becomes
the writer (the leader): it waits `window` seconds for others to join, takes up to `limit`
ballots, writes them in one transaction, and hands each request its own outcome — its poll's
episode id once the transaction has committed, or its own error. If the transaction fails,
every ballot in it fails: none of them is stored and each request answers an error; none is
acknowledged before the commit. Ballots that came in meanwhile get a new leader, the first of
them, so no request writes other people's ballots for longer than one batch.

Only `threading` primitives are used: under the gevent worker they are gevent's (patched before
the app is created), elsewhere (tests, the development server) real threads share the queue.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from flask import Flask, current_app

from ..errors import AppError

T = TypeVar("T")
Outcome = int | AppError
WAIT_SECONDS = 30  # a request gives up on a leader that never answers (it cannot happen; see `_lead`)


class BallotNotStored(AppError):
    """The ballot's transaction failed: it was not stored; the phone may send it again."""

    status = 503


@dataclass(eq=False)
class _Waiting(Generic[T]):
    item: T
    done: threading.Event = field(default_factory=threading.Event)
    outcome: Outcome | None = None
    lead: bool = False  # set by the previous leader: this request writes the next batch


class BallotQueue(Generic[T]):
    """Collects items from concurrent requests and writes them in batches, one at a time."""

    def __init__(self, window: float, limit: int) -> None:
        self.window, self.limit = window, limit
        self._lock = threading.Lock()
        self._waiting: list[_Waiting[T]] = []
        self._leading = False  # invariant: no leader ⇒ nothing waiting

    def submit(self, item: T, write: Callable[[list[T]], Sequence[Outcome]],
               after: Callable[[list[T], Sequence[Outcome]], None] | None = None) -> Outcome:
        """Queue the item and wait for its batch: the item's outcome (a value or an error to raise).

        `write` stores a batch in one transaction and answers one outcome per item; should it
        raise, every item of the batch gets a `BallotNotStored`. `after` runs in the leader once
        every request of the batch has its answer (the tally push), its failures only logged.
        """
        me = _Waiting(item)
        with self._lock:
            self._waiting.append(me)
            me.lead = not self._leading
            self._leading = True
        if not me.lead:
            if not me.done.wait(WAIT_SECONDS) and self._give_up(me):
                return _not_stored()
            if not me.lead:
                assert me.outcome is not None
                return me.outcome
        self._lead(me, write, after)
        assert me.outcome is not None
        return me.outcome

    def _give_up(self, me: _Waiting[T]) -> bool:
        """After waiting too long: leave the queue, unless the lead or an answer came just now.
        A ballot already taken into a batch may still be stored: stored ≥ acknowledged holds."""
        with self._lock:
            if me.done.is_set():
                return False
            if me in self._waiting:
                self._waiting.remove(me)
            return True

    def _lead(self, me: _Waiting[T], write: Callable[[list[T]], Sequence[Outcome]],
              after: Callable[[list[T], Sequence[Outcome]], None] | None) -> None:
        """Write one batch (this request's ballot is its first), answer it, pass the lead on."""
        batch: list[_Waiting[T]] = [me]  # until the batch is taken: only this one, if the sleep fails
        outcomes: Sequence[Outcome] = ()
        try:
            if self.window > 0:
                time.sleep(self.window)  # let the requests that are already here join the batch
            with self._lock:
                batch, self._waiting = self._waiting[:self.limit], self._waiting[self.limit:]
            items = [waiting.item for waiting in batch]
            try:
                outcomes = write(items)
                if len(outcomes) != len(items):
                    raise RuntimeError("one outcome per ballot expected")
            except Exception:
                current_app.logger.exception("a batch of %s ballots was not stored", len(items))
                outcomes = [_not_stored() for _ in items]
            for waiting, outcome in zip(batch, outcomes, strict=True):
                waiting.outcome = outcome
        finally:
            for waiting in batch:
                if waiting.outcome is None:  # interrupted (the greenlet was killed): not acknowledged
                    waiting.outcome = _not_stored()
                waiting.done.set()
            with self._lock:
                if me in self._waiting:  # interrupted before the batch was taken
                    self._waiting.remove(me)
                successor = self._waiting[0] if self._waiting else None
                self._leading = successor is not None
                if successor is not None:  # under the lock: it cannot give up meanwhile (`_give_up`)
                    successor.lead = True
                    successor.done.set()
        if after is not None:
            try:
                after([waiting.item for waiting in batch], outcomes)
            except Exception:  # the ballots are stored and answered; the next batch pushes again
                current_app.logger.exception("after a batch of ballots")


def _not_stored() -> BallotNotStored:
    return BallotNotStored("The ballot was not stored; send it again.", code="ballot_not_stored")


def init_app(app: Flask) -> None:
    app.extensions["tracker.ballot_queue"] = BallotQueue(float(app.config["POLL_BALLOT_BATCH_SECONDS"]),
                                                         int(app.config["POLL_BALLOT_BATCH_LIMIT"]))


def ballot_queue() -> BallotQueue:
    return current_app.extensions["tracker.ballot_queue"]
