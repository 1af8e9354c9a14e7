"""Random shows: moves, straps, clear/resume, commitments, undos, start and end, on a clock the
test controls. Undo never changes an ended episode, always restores exactly what the episode
showed before the action it reverts, and seconds on air never exceed the time really on air."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tracker.commitments import service as commitments
from tracker.episodes import changes
from tracker.episodes import service as episodes
from tracker.errors import ConflictError
from tracker.extensions import db
from tracker.models import Episode, EpisodeStatus, ItemState, utcnow
from tracker.rundown import graphics, service, undo

from .conftest import make_app
from .factories import Factory

_numbers = itertools.count(5000)


@pytest.fixture(scope="module")
def property_app(tmp_path_factory, sqlite_template):
    folder = tmp_path_factory.mktemp("on-air-properties")
    app = make_app(sqlite_template.fresh_copy(folder / "tracker.db"), folder)
    with app.app_context():
        yield app


def shown(episode_id: int) -> dict:
    """What the episode shows, without the clock's fields."""
    db.session.expire_all()
    episode = db.session.get(Episode, episode_id)
    snapshot = changes.on_air_snapshot(episode, changes.items_of(episode_id))
    return {"items": {key: (value["state"], value["position"]) for key, value in snapshot["items"].items()},
            "program": {key: snapshot["program"][key] for key in ("kind", "id", "item_id")},
            "preview": snapshot["preview"], "screen": snapshot["screen"], "status": episode.status.value}


def without_status(what: dict) -> dict:
    return {key: value for key, value in what.items() if key != "status"}


def test_random_shows_keep_undo_and_time_honest(property_app, monkeypatch):
    factory = Factory()
    department = factory.department("FPX", "市测试局")
    clock = [utcnow().replace(microsecond=0)]
    monkeypatch.setattr(changes, "utcnow", lambda: clock[0])

    class Show(RuleBasedStateMachine):
        @initialize(count=st.integers(min_value=2, max_value=4))
        def build(self, count):
            self.episode_id = factory.episode(number=next(_numbers)).id
            self.items, self.cases, self.commitments = [], [], []
            for _ in range(count):
                case = factory.case(departments=[department])
                item, _change = service.add_item(self.episode_id, case.id, 300, None)
                self.items.append(item.id)
                self.cases.append(case.id)
            self.history: list[dict] = []  # what the episode showed before each undoable action
            self.real = {item: 0 for item in self.items}

        def ended(self) -> bool:
            return shown(self.episode_id)["status"] == "ended"

        def attempt(self, operation, undoable=True) -> None:
            before, was_ended = shown(self.episode_id), self.ended()
            try:
                operation()
            except ConflictError:
                assert shown(self.episode_id) == before
                return
            except Exception as error:  # noqa: BLE001 - a 422 (a quote without text): nothing changes
                assert getattr(error, "status", None) == 422, error
                assert shown(self.episode_id) == before
                return
            assert not was_ended or not undoable, "an ended episode changed"
            if undoable:  # even one that changed nothing is an action undo reverts
                self.history.append(without_status(before))

        @rule(data=st.data(), action=st.sampled_from(["take", "standby", "done", "skip", "hold", "requeue"]))
        def move_item(self, data, action):
            item = data.draw(st.sampled_from(self.items))
            self.attempt(lambda: service.apply_action(self.episode_id, item, action, None, None))

        @rule(data=st.data())
        def reorder(self, data):
            item = data.draw(st.sampled_from(self.items))
            position = data.draw(st.integers(min_value=0, max_value=len(self.items)))
            self.attempt(lambda: service.move_item(self.episode_id, item, position, None, None))

        @rule()
        def take_next(self):
            self.attempt(lambda: service.take_next(self.episode_id, None, None))

        @rule(data=st.data(), kind=st.sampled_from(["case", "commitment", "quote", "none"]))
        def strap(self, data, kind):
            target = data.draw(st.sampled_from(self.commitments)) if self.commitments and kind in ("commitment", "quote") \
                else None
            if kind in ("commitment", "quote") and target is None:
                return
            self.attempt(lambda: graphics.set_graphic(self.episode_id, kind, target, None, None))

        @rule()
        def strap_out(self):
            self.attempt(lambda: graphics.take_out(self.episode_id, None, None))

        @rule(cleared=st.booleans())
        def screen(self, cleared):
            self.attempt(lambda: graphics.set_screen_cleared(self.episode_id, cleared, None, None))

        @rule(data=st.data(), quoted=st.booleans())
        def commitment(self, data, quoted):
            case_id = data.draw(st.sampled_from(self.cases))
            before = shown(self.episode_id)
            commitment, _change = commitments.record(
                {"episode_id": self.episode_id, "case_id": case_id, "department_code": "FPX",
                 "official_name": "刘敏", "official_title": "副局长", "content": "年底前完成",
                 "deadline": date(2027, 1, 31), "quote": "一定完成" if quoted else ""}, None)
            self.commitments.append(commitment.id)
            assert shown(self.episode_id) == before  # data, not an on-air change

        @rule()
        def start(self):
            self.attempt(lambda: episodes.start_episode(self.episode_id, None), undoable=False)

        @rule()
        def end(self):
            self.attempt(lambda: episodes.end_episode(self.episode_id, None), undoable=False)
            if self.ended():
                self.history.clear()

        @rule(seconds=st.integers(min_value=1, max_value=30))
        def tick(self, seconds):
            for item in changes.items_of(self.episode_id):
                if item.state is ItemState.ON_AIR:
                    self.real[item.id] += seconds
            clock[0] += timedelta(seconds=seconds)

        @rule()
        def undo_last(self):
            before = shown(self.episode_id)
            try:
                undo.undo_last(self.episode_id, None, None)
            except ConflictError as error:
                assert shown(self.episode_id) == before
                if before["status"] == "ended":
                    assert error.code == "episode_ended"
                else:
                    assert error.code == "nothing_to_undo" and not self.history
                return
            assert before["status"] != "ended"
            # The start is looked past (not undone): the status stays; everything else is as before.
            assert without_status(shown(self.episode_id)) == self.history.pop()

        @invariant()
        def seconds_are_real(self):
            if not hasattr(self, "episode_id"):
                return
            for item in changes.items_of(self.episode_id):
                assert service.stint_seconds(item, clock[0]) == self.real[item.id]
            episode = db.session.get(Episode, self.episode_id)
            if episode.status is EpisodeStatus.ENDED:
                assert all(item.state not in (ItemState.ON_AIR, ItemState.STANDBY)
                           for item in changes.items_of(self.episode_id))
                assert episode.graphic_kind == "none" and episode.preview_kind is None

    Show.TestCase.settings = settings(max_examples=50, stateful_step_count=30, deadline=None,
                                      suppress_health_check=list(HealthCheck))
    Show.TestCase().runTest()
