"""One sender per episode and process, off the request path; the newest version wins.

A change commits, builds its state from one read and hands it here; the request then returns.
The sender (a background task: a greenlet under gevent) pushes the newest version offered; any
offered while it was sending that a newer one has since replaced is skipped, never sent. So a
burst of changes costs the fan-out one push per version the viewers can still use, versions
reach each viewer in order (one sender, versions only going up), and what is pushed was
committed first. A viewer that misses a version is not harmed: a `state` is whole, and a `patch`
names its `base_version`, so a client holding another version asks for the full state again.

This module decides *what* is sent and *when*; realtime.py, which owns every emit, sends.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Offer:
    episode_id: int
    version: int
    state: dict


# The newest offer, and the one every viewer holds (the last sent, if it was a new version: after
# a same-version resend, which clients may ignore as not newer, what they hold is not known).
Send = Callable[[Offer, "Offer | None"], None]


class Publisher:
    def __init__(self, start: Callable[..., Any], send: Send) -> None:
        """`start(function, *args)` runs a background task; `send` pushes one offer."""
        self._start = start
        self._send = send
        self._newest: dict[int, Offer] = {}
        self._sent: dict[int, Offer] = {}
        self._held: dict[int, Offer | None] = {}
        self._running: set[int] = set()
        self._lock = threading.Lock()

    def offer(self, offer: Offer) -> None:
        """Queue `offer` for its episode's sender, unless a newer version is already queued or sent.
        A state of the same version (a commitment's progress on the follow-up board changes no
        version) replaces the one queued, or goes out again after the one sent."""
        with self._lock:
            newest = self._newest.get(offer.episode_id)
            if newest is not None and newest.version > offer.version:
                return
            self._newest[offer.episode_id] = offer
            if offer.episode_id in self._running:
                return  # the running sender will see it
            self._running.add(offer.episode_id)
        self._start(self._run, offer.episode_id)

    def _run(self, episode_id: int) -> None:
        while True:
            with self._lock:
                offer, sent = self._newest[episode_id], self._sent.get(episode_id)
                if sent is offer:
                    self._running.discard(episode_id)
                    return
                self._sent[episode_id] = offer
                held = self._held.get(episode_id)
                self._held[episode_id] = offer if sent is None or sent.version < offer.version else None
            try:
                self._send(offer, held)
            except Exception:  # a background task has no caller to tell; the next change pushes again
                logger.exception("push of episode %s version %s failed", episode_id, offer.version)

    def busy(self) -> bool:
        """Whether a sender is still at work (tests wait for it)."""
        with self._lock:
            return bool(self._running)
