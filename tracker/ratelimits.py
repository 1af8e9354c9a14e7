"""The rate limits' storage for one process: limits' memory storage, without a timer per hit.

limits' `MemoryStorage` sweeps its expired counters from a `threading.Timer` that it starts
again on every hit once the last one has fired (every 10 ms under load): under the gevent worker
a new greenlet each time, about a sixth of a ballot request's time at a few hundred ballots a
second (bench/README.md, "Ballots"). A counter is expired when it is read anyway (`get`); the
sweep only frees memory, so here it runs in line, at most once a second.
"""
from __future__ import annotations

import time

from limits.storage import MemoryStorage

SCHEME = "tracker-memory"
SWEEP_SECONDS = 1.0


class SweepingMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 - limits reads a list; registered with limits by the class statement itself

    _swept_at = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the base class's private name
        moment = time.monotonic()
        if moment - self._swept_at >= SWEEP_SECONDS:
            self._swept_at = moment
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]  # the base class's sweep
