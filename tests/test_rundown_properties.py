"""Random sequences of running-order actions never break the invariants or lose a version.

A plain-Python model of PRODUCT.md's table runs beside the real service (SQLite); after every
step both must agree, and the database must hold: one item on air at most, one on standby
at most, positions 0..n-1, and a version that rose by exactly one per accepted action.
"""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from tracker.episodes.changes import items_of
from tracker.errors import ConflictError
from tracker.extensions import db
from tracker.models import Episode, ItemState, RundownEvent
from tracker.rundown import service, undo
from tracker.rundown.states import ACTIONS

from .conftest import make_app
from .factories import Factory

_numbers = itertools.count(1000)


def model_move(states: dict[int, str], item: int, action: str) -> dict[int, str] | None:
    """The table of PRODUCT.md, written out again independently of the service."""
    allowed = {
        "take": lambda s: s != "on_air", "standby": lambda s: s in ("queued", "held", "skipped"),
        "done": lambda s: s == "on_air", "skip": lambda s: s in ("queued", "standby", "held"),
        "hold": lambda s: s in ("queued", "standby"), "requeue": lambda s: s in ("held", "skipped", "done"),
    }
    target = {"take": "on_air", "standby": "standby", "done": "done", "skip": "skipped", "hold": "held",
              "requeue": "queued"}[action]
    if not allowed[action](states[item]):
        return None
    new = dict(states)
    for other, state in states.items():
        if other != item and target == "on_air" and state == "on_air":
            new[other] = "done"
        if other != item and target == "standby" and state == "standby":
            new[other] = "queued"
    new[item] = target
    return new


@pytest.fixture(scope="module")
def property_app(tmp_path_factory, sqlite_template):
    folder = tmp_path_factory.mktemp("properties")
    app = make_app(sqlite_template.fresh_copy(folder / "tracker.db"), folder)
    with app.app_context():
        yield app


def test_random_action_sequences_keep_the_invariants(property_app):
    factory = Factory()
    department = factory.department()

    class Rundown(RuleBasedStateMachine):
        @initialize(count=st.integers(min_value=1, max_value=5))
        def build(self, count):
            self.episode_id = factory.episode(number=next(_numbers)).id
            self.items, self.states, self.history = [], {}, []
            for _ in range(count):
                case = factory.case(departments=[department])
                item, _change = service.add_item(self.episode_id, case.id, 300, None)
                self.items.append(item.id)
                self.states[item.id] = "queued"
            self.version = count

        def current_version(self) -> int:
            db.session.expire_all()
            return db.session.get(Episode, self.episode_id).version

        @rule(data=st.data(), action=st.sampled_from(ACTIONS), stale=st.booleans())
        def act(self, data, action, stale):
            item = data.draw(st.sampled_from(self.items))
            expected = self.version - 1 if stale else self.version
            outcome = None if stale else model_move(self.states, item, action)
            try:
                service.apply_action(self.episode_id, item, action, expected, None)
            except ConflictError:
                assert outcome is None, f"{action} on {self.states[item]} was refused"
                return
            assert outcome is not None, f"{action} on {self.states[item]} was accepted"
            self.history.append((dict(self.states), list(self.items)))
            self.states, self.version = outcome, self.version + 1

        @rule(data=st.data())
        def move(self, data):
            item = data.draw(st.sampled_from(self.items))
            position = data.draw(st.integers(min_value=0, max_value=len(self.items) + 1))
            service.move_item(self.episode_id, item, position, self.version, None)
            self.history.append((dict(self.states), list(self.items)))
            self.items.remove(item)
            self.items.insert(min(position, len(self.items)), item)
            self.version += 1

        @rule()
        def undo_last(self):
            try:
                undo.undo_last(self.episode_id, self.version, None)
            except ConflictError:
                assert not self.history
                return
            self.states, self.items = self.history.pop()
            self.version += 1

        @invariant()
        def database_agrees(self):
            if not hasattr(self, "episode_id"):
                return
            assert self.current_version() == self.version
            rows = items_of(self.episode_id)
            assert [row.id for row in rows] == self.items
            assert [row.position for row in rows] == list(range(len(rows)))
            assert {row.id: row.state.value for row in rows} == self.states
            assert sum(row.state is ItemState.ON_AIR for row in rows) <= 1
            assert sum(row.state is ItemState.STANDBY for row in rows) <= 1
            events = db.session.scalar(select(func.count(RundownEvent.id))
                                       .where(RundownEvent.episode_id == self.episode_id))
            assert events == self.version  # every version has its log entry, and no more

    Rundown.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None,
                                         suppress_health_check=list(HealthCheck))
    Rundown.TestCase().runTest()
