"""At most one push per interval and key, the last one carrying whatever is latest by then.

The throttle only decides *when*; the caller pushes (and, for a later push, schedules it with
the Socket.IO extension's background tasks, so that it works under gevent and threads alike).
The first request after a quiet spell is pushed at once, so a single change is seen without
delay; requests within the interval after a push are folded into one push at its end.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable


class Throttle:
    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._last: dict[Hashable, float] = {}
        self._due: set[Hashable] = set()
        self._running = 0
        self._lock = threading.Lock()

    def request(self, key: Hashable) -> float | None:
        """0: push now. A delay: push after it, between `starting` and `finished`. None: a push is
        already due."""
        with self._lock:
            if key in self._due:
                return None
            wait = self._last.get(key, float("-inf")) + self.interval - self._clock()
            if wait <= 0:
                self._last[key] = self._clock()
                return 0
            self._due.add(key)
            return wait

    def starting(self, key: Hashable) -> None:
        """The due push begins: later requests need a push of their own (they may see newer data)."""
        with self._lock:
            self._due.discard(key)
            self._last[key] = self._clock()
            self._running += 1

    def finished(self) -> None:
        with self._lock:
            self._running -= 1

    def pending(self) -> bool:
        """Whether a delayed push has yet to be sent (tests wait for it)."""
        with self._lock:
            return bool(self._due) or self._running > 0
