"""Group commit of ballots: the ballots that arrive together share one transaction, each is answered
only after that commit, and a batch that fails fails every ballot in it (polls/batches.py)."""
from __future__ import annotations

import threading
import time

import pytest

from tracker.errors import InvalidError
from tracker.extensions import db
from tracker.models import Ballot, utcnow
from tracker.polls import service
from tracker.polls.batches import BallotNotStored, BallotQueue
from tracker.polls.service import CastBallot

from .test_polls import delayed_pushes_finish, open_poll, phone, show, vote  # noqa: F401 - fixtures


def together(count: int, target) -> None:
    """Run `target(n)` in `count` threads at once (requests from several phones at a time)."""
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.fixture
def batch_sizes(app, monkeypatch):
    """A wider window, so that concurrent requests surely meet in one batch; the sizes written."""
    app.extensions["tracker.ballot_queue"].window = 0.3
    sizes: list[int] = []
    store = service.store_ballots

    def counted(ballots):
        sizes.append(len(ballots))
        return store(ballots)

    monkeypatch.setattr(service, "store_ballots", counted)
    return sizes


@pytest.mark.both_databases
def test_ballots_from_concurrent_requests_are_all_counted(show, app, batch_sizes):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    answers: list[int] = []

    def phones(n: int) -> None:
        for _ in range(4):
            answers.append(vote(phone(app), poll["id"], ("satisfied", "unsatisfied")[n % 2]).status_code)

    together(6, phones)
    assert answers == [202] * 24
    assert sum(batch_sizes) == 24 and max(batch_sizes) > 1  # some of them did share a transaction
    assert service.counts(poll["id"]) == {"satisfied": 12, "basically_satisfied": 0, "unsatisfied": 12}
    assert phone(app).get(f"/api/v1/polls/{poll['id']}").get_json()["total"] == 24


@pytest.mark.both_databases
def test_a_batch_that_fails_answers_an_error_to_each_ballot_and_stores_none(show, app, batch_sizes,
                                                                              monkeypatch):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    write = service._write

    def fails_after_writing(rows):
        write(rows)  # the rows are in the transaction; then it fails (a full disk, a lost connection)
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(service, "_write", fails_after_writing)
    answers = []
    together(5, lambda _n: answers.append(vote(phone(app), poll["id"], "satisfied")))
    assert max(batch_sizes) > 1
    assert sorted(answer.status_code for answer in answers) == [503] * 5
    assert {answer.get_json()["error"]["code"] for answer in answers} == {"ballot_not_stored"}
    assert db.session.query(Ballot).count() == 0
    assert service.counts(poll["id"])["satisfied"] == 0
    monkeypatch.setattr(service, "_write", write)
    assert vote(phone(app), poll["id"], "satisfied").status_code == 202  # the next batch is stored
    assert service.counts(poll["id"])["satisfied"] == 1


@pytest.mark.both_databases
def test_two_ballots_of_one_device_in_one_batch_the_last_counts(show, app):
    producer, episode_id, _items = show
    poll_id = open_poll(producer, episode_id).get_json()["id"]
    moment = utcnow()
    outcomes = service.store_ballots([CastBallot(poll_id, "satisfied", None, "phone-1", moment),
                                      CastBallot(poll_id, "basically_satisfied", None, "phone-2", moment),
                                      CastBallot(poll_id, "unsatisfied", None, "phone-1", moment)])
    assert outcomes == [episode_id] * 3
    assert service.counts(poll_id) == {"satisfied": 0, "basically_satisfied": 1, "unsatisfied": 1}


@pytest.mark.both_databases
def test_one_device_twice_in_one_batch_over_http_is_one_ballot(show, app, batch_sizes):
    producer, episode_id, _items = show
    poll_id = open_poll(producer, episode_id).get_json()["id"]
    first = phone(app)
    assert vote(first, poll_id, "satisfied").status_code == 202
    second = phone(app)  # the same phone's cookie, in a second client: both requests at once
    second.set_cookie("tracker_voter", first.get_cookie("tracker_voter").value)
    clients = (first, second)
    answers = []
    together(2, lambda n: answers.append(vote(clients[n], poll_id, "unsatisfied").status_code))
    assert answers == [202, 202]
    assert service.counts(poll_id) == {"satisfied": 0, "basically_satisfied": 0, "unsatisfied": 1}


def test_a_refused_ballot_does_not_stop_the_others_in_its_batch(show, app):
    producer, episode_id, _items = show
    poll_id = open_poll(producer, episode_id, code_mode="rotating").get_json()["id"]
    code = producer.get(f"/api/v1/polls/{poll_id}/code").get_json()["code"]
    moment = utcnow()
    outcomes = service.store_ballots([CastBallot(poll_id, "satisfied", code, "phone-1", moment),
                                      CastBallot(poll_id, "satisfied", "AAAAAA", "phone-2", moment),
                                      CastBallot(poll_id, "very_happy", code, "phone-3", moment),
                                      CastBallot(poll_id + 1, "satisfied", code, "phone-4", moment)])
    assert outcomes[0] == episode_id
    assert isinstance(outcomes[1], InvalidError) and outcomes[1].code == "code_expired"
    assert isinstance(outcomes[2], InvalidError) and "choice" in outcomes[2].fields
    assert outcomes[3].status == 404
    assert service.counts(poll_id)["satisfied"] == 1


def test_a_ballot_that_comes_during_a_write_goes_in_the_next_batch(app):
    queue: BallotQueue[int] = BallotQueue(window=0, limit=100)
    writing, release, batches = threading.Event(), threading.Event(), []

    def write(items):
        batches.append(list(items))
        if len(batches) == 1:
            writing.set()
            release.wait(5)
        return [item * 10 for item in items]

    answers: dict[int, object] = {}
    first = threading.Thread(target=lambda: answers.__setitem__(1, queue.submit(1, write)))
    first.start()
    writing.wait(5)
    later = [threading.Thread(target=lambda n=n: answers.__setitem__(n, queue.submit(n, write))) for n in (2, 3)]
    for thread in later:
        thread.start()
    time.sleep(0.1)
    assert 2 not in answers  # not answered before its own batch is written
    release.set()
    for thread in (first, *later):
        thread.join()
    assert answers == {1: 10, 2: 20, 3: 30}
    assert batches[0] == [1] and sorted(batches[1]) == [2, 3]  # the second leader took both


def test_a_failing_tally_push_does_not_fail_stored_ballots(app):
    queue: BallotQueue[int] = BallotQueue(window=0, limit=100)

    def push(_items, _outcomes):
        raise RuntimeError("the message queue is down")

    with app.app_context():
        assert queue.submit(4, lambda items: [7 for _ in items], push) == 7
        assert isinstance(queue.submit(4, lambda items: 1 / 0), BallotNotStored)
        assert queue.submit(5, lambda items: [8 for _ in items]) == 8  # the queue goes on


def test_a_ballot_loads_no_user(show, app, monkeypatch):
    """The ballot view skips CSRF, so the API guard does not load the user (nor the session) for it."""
    import flask_login.utils

    producer, episode_id, _items = show
    poll_id = open_poll(producer, episode_id).get_json()["id"]
    loads = []
    load = flask_login.utils._get_user
    monkeypatch.setattr(flask_login.utils, "_get_user", lambda: loads.append(1) or load())
    assert vote(phone(app), poll_id, "satisfied").status_code == 202
    assert loads == []
    phone(app).post("/api/v1/episodes", json={"title": "x", "air_date": "2026-12-04"})
    assert loads  # an operation that checks CSRF still loads it


def test_a_request_that_gives_up_waiting_does_not_stall_the_queue(app, monkeypatch):
    from tracker.polls import batches

    monkeypatch.setattr(batches, "WAIT_SECONDS", 0.1)
    queue: BallotQueue[int] = BallotQueue(window=0, limit=100)
    writing, release = threading.Event(), threading.Event()

    def slow(items):
        writing.set()
        release.wait(5)
        return [1 for _ in items]

    answers: dict[str, object] = {}
    first = threading.Thread(target=lambda: answers.__setitem__("first", queue.submit(1, slow)))
    first.start()
    writing.wait(5)
    assert isinstance(queue.submit(2, slow), BallotNotStored)  # waited too long: not acknowledged
    release.set()
    first.join()
    assert answers["first"] == 1
    assert queue.submit(3, lambda items: [3 for _ in items]) == 3  # a new leader, not a stalled queue
