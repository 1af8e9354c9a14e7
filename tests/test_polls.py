"""The audience vote: a producer opens and closes it, phones vote, the tally is kept for good."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tracker.episodes import changes
from tracker.extensions import db
from tracker.models import Ballot, Poll, utcnow
from tracker.polls import codes, service


@pytest.fixture(autouse=True)
def delayed_pushes_finish(app):
    """A delayed tally push must not outlive its test (and its database)."""
    yield
    with app.app_context():
        from tracker.polls.tallies import tallies
        deadline = time.time() + 5
        while tallies().pending() and time.time() < deadline:
            time.sleep(0.02)


@pytest.fixture
def show(api, make):
    """A producer, a live episode, two cases (the first on air, the second on standby)."""
    producer = api.as_role("producer")
    department = make.department("ZJJ", "市住建局")
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04"}).get_json()
    items = []
    for title in ("断头路十年未通", "转供电加价"):
        case = make.case(title, departments=[department], complainant_name="王秀英", complainant_phone="13812345678")
        items.append(producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id}).get_json()["id"])
    producer.post(f"/api/v1/episodes/{episode['id']}/start")
    producer.post(f"/api/v1/episodes/{episode['id']}/rundown/{items[0]}/take", json={})
    producer.post(f"/api/v1/episodes/{episode['id']}/rundown/{items[1]}/standby", json={})
    return producer, episode["id"], items


def open_poll(producer, episode_id, **body):
    return producer.post(f"/api/v1/episodes/{episode_id}/polls", json=body)


def vote(client, poll_id, choice, code=None):
    body = {"choice": choice} if code is None else {"choice": choice, "code": code}
    return client.post(f"/api/v1/polls/{poll_id}/ballots", json=body)


def phone(app):
    """A new phone: a test client with its own cookie jar."""
    return app.test_client()


# The upsert, the share lock, the partial unique index and the SQL counts differ by database.
@pytest.mark.both_databases
def test_producer_opens_a_vote_on_the_case_on_air_and_closes_it(show, app):
    producer, episode_id, (first, _second) = show
    answer = open_poll(producer, episode_id)
    assert answer.status_code == 201
    poll = answer.get_json()
    assert poll["item_id"] == first and poll["open"] and poll["case"]["title"] == "断头路十年未通"
    assert poll["choices"] == ["satisfied", "basically_satisfied", "unsatisfied"]
    assert poll["counts"] == {"satisfied": 0, "basically_satisfied": 0, "unsatisfied": 0}
    for choice in ("satisfied", "satisfied", "unsatisfied"):
        assert vote(phone(app), poll["id"], choice).status_code == 202
    closed = producer.post(f"/api/v1/polls/{poll['id']}/close", json={}).get_json()
    assert closed["open"] is False and closed["closed_at"]
    assert closed["counts"] == {"satisfied": 2, "basically_satisfied": 0, "unsatisfied": 1}
    assert closed["percentages"] == {"satisfied": 67, "basically_satisfied": 0, "unsatisfied": 33}
    assert closed["version"] == poll["version"] + 1
    log = producer.get(f"/api/v1/episodes/{episode_id}/rundown/log").get_json()
    assert [e["action"] for e in log[-2:]] == ["poll_open", "poll_close"]
    assert log[-1]["after"]["poll"]["final"] == closed["counts"]
    refused = producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "poll_closed"


def test_the_standby_case_can_be_voted_on_but_not_a_queued_one(show, make):
    producer, episode_id, (_first, second) = show
    assert open_poll(producer, episode_id, item_id=second).get_json()["item_id"] == second
    producer.post(f"/api/v1/polls/{service.current_poll(episode_id).id}/close", json={})
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{second}/skip", json={})
    refused = open_poll(producer, episode_id, item_id=second)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_on_air"
    assert open_poll(producer, episode_id, item_id=999999).status_code == 404


@pytest.mark.both_databases
def test_one_open_vote_per_episode(show):
    producer, episode_id, (_first, second) = show
    assert open_poll(producer, episode_id).status_code == 201
    refused = open_poll(producer, episode_id, item_id=second)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "poll_already_open"
    assert len(producer.get(f"/api/v1/episodes/{episode_id}/polls").get_json()) == 1


def test_a_stale_version_changes_nothing(show):
    producer, episode_id, _items = show
    refused = open_poll(producer, episode_id, version=0)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "stale_version"
    assert service.current_poll(episode_id) is None


def test_only_producers_open_and_close(show, api):
    producer, episode_id, _items = show
    for role in ("supervisor", "department", "admin"):
        assert open_poll(api.as_role(role), episode_id).status_code == 403
    assert open_poll(api.anonymous, episode_id).status_code == 401
    poll = open_poll(producer, episode_id).get_json()
    assert api.as_role("supervisor").post(f"/api/v1/polls/{poll['id']}/close", json={}).status_code == 403
    assert api.anonymous.post(f"/api/v1/polls/{poll['id']}/close", json={}).status_code == 401
    assert api.anonymous.get(f"/api/v1/episodes/{episode_id}/seat-codes").status_code == 401
    assert api.anonymous.get(f"/api/v1/polls/{poll['id']}/code").status_code == 403


@pytest.mark.both_databases
def test_a_device_may_change_its_ballot_and_the_last_one_counts(show, app):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    device = phone(app)
    first = vote(device, poll["id"], "unsatisfied")
    assert first.status_code == 202 and first.get_json() == {"poll_id": poll["id"], "choice": "unsatisfied",
                                                              "stored": True}
    assert codes.DEVICE_COOKIE in first.headers["Set-Cookie"] and "HttpOnly" in first.headers["Set-Cookie"]
    assert vote(device, poll["id"], "satisfied").status_code == 202
    assert vote(device, poll["id"], "basically_satisfied").status_code == 202
    tally = phone(app).get(f"/api/v1/polls/{poll['id']}").get_json()
    assert tally["counts"] == {"satisfied": 0, "basically_satisfied": 1, "unsatisfied": 0}
    assert tally["total"] == 1


def test_a_forged_device_cookie_is_a_new_device(show, app):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    device = phone(app)
    vote(device, poll["id"], "satisfied")
    device.set_cookie(codes.DEVICE_COOKIE, "forged.value")
    assert vote(device, poll["id"], "satisfied").status_code == 202
    assert db.session.query(Ballot).count() == 2


@pytest.mark.both_databases
def test_bad_choice_and_closed_poll_change_nothing(show, app):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    device = phone(app)
    bad = vote(device, poll["id"], "very_happy")
    assert bad.status_code == 422 and "choice" in bad.get_json()["error"]["fields"]
    assert vote(device, poll["id"], "satisfied").status_code == 202
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    late = vote(device, poll["id"], "unsatisfied")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "poll_closed"
    assert vote(phone(app), poll["id"], "unsatisfied").status_code == 409
    ballots = db.session.query(Ballot).all()
    assert [b.choice.value for b in ballots] == ["satisfied"]
    assert vote(device, 999999, "satisfied").status_code == 404


def test_rotating_code_valid_expired_missing(show, app, monkeypatch):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id, code_mode="rotating").get_json()
    assert poll["code_mode"] == "rotating"
    shown = producer.get(f"/api/v1/polls/{poll['id']}/code").get_json()
    assert len(shown["code"]) == 6 and shown["vote_url"].endswith(f"/vote/{episode_id}?code={shown['code']}")
    assert shown["accepted_seconds"] == 90 and 0 < shown["rotates_in"] <= 30
    missing = vote(phone(app), poll["id"], "satisfied")
    assert missing.status_code == 422 and missing.get_json()["error"]["code"] == "code_required"
    assert vote(phone(app), poll["id"], "satisfied", shown["code"].lower()).status_code == 202
    later = utcnow() + timedelta(seconds=61)
    monkeypatch.setattr(changes, "utcnow", lambda: later)
    assert vote(phone(app), poll["id"], "satisfied", shown["code"]).status_code == 202  # still within 90 s
    expired_at = utcnow() + timedelta(seconds=95)
    monkeypatch.setattr(changes, "utcnow", lambda: expired_at)
    expired = vote(phone(app), poll["id"], "satisfied", shown["code"])
    assert expired.status_code == 422 and expired.get_json()["error"]["code"] == "code_expired"
    assert service.counts(poll["id"])["satisfied"] == 2


def test_the_code_is_for_displays_with_a_token(show, app):
    from tracker.live.display_tokens import issue_display_token
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id, code_mode="rotating").get_json()
    _record, token = issue_display_token("演播室大屏")
    assert phone(app).get(f"/api/v1/polls/{poll['id']}/code?token={token}").status_code == 200
    assert phone(app).get(f"/api/v1/polls/{poll['id']}/code?token=ftd_wrong").status_code == 403


def test_studio_only_takes_seat_codes_one_ballot_per_seat(show, app):
    producer, episode_id, _items = show
    seat_codes = producer.get(f"/api/v1/episodes/{episode_id}/seat-codes?count=3").get_json()
    assert [entry["seat"] for entry in seat_codes["codes"]] == [1, 2, 3]
    seat_one = seat_codes["codes"][0]["code"]
    assert seat_one.startswith("S001-")
    poll = open_poll(producer, episode_id, code_mode="studio").get_json()
    assert vote(phone(app), poll["id"], "satisfied").get_json()["error"]["code"] == "code_required"
    other_episode_code = codes.seat_code(episode_id + 1, 1)
    refused = vote(phone(app), poll["id"], "satisfied", other_episode_code)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "code_invalid"
    assert vote(phone(app), poll["id"], "satisfied", seat_one).status_code == 202
    assert vote(phone(app), poll["id"], "unsatisfied", seat_one).status_code == 202  # another phone, same seat
    assert vote(phone(app), poll["id"], "satisfied", seat_codes["codes"][1]["code"]).status_code == 202
    assert service.counts(poll["id"]) == {"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 1}


def test_the_code_mode_carries_over_within_the_episode(show):
    producer, episode_id, (_first, second) = show
    poll = open_poll(producer, episode_id, code_mode="rotating").get_json()
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    assert open_poll(producer, episode_id, item_id=second).get_json()["code_mode"] == "rotating"


def test_seat_codes_from_the_command_line(show, runner):
    _producer, episode_id, _items = show
    result = runner.invoke(args=["seat-codes", str(episode_id), "--count", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [codes.seat_code(episode_id, 1), codes.seat_code(episode_id, 2)]


def test_ballots_are_rate_limited_per_address(show, app):
    app.config["POLL_BALLOT_LIMIT"] = "3 per minute"
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    for _ in range(3):
        assert vote(phone(app), poll["id"], "satisfied").status_code == 202
    limited = vote(phone(app), poll["id"], "satisfied")
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
    assert service.counts(poll["id"])["satisfied"] == 3


@pytest.mark.both_databases
def test_undo_reverts_opening_and_closing(show, app):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    vote(phone(app), poll["id"], "satisfied")
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    undone = producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={}).get_json()
    assert undone["undone"]["action"] == "poll_close" and undone["undone"]["description"]
    reopened = phone(app).get(f"/api/v1/polls/{poll['id']}").get_json()
    assert reopened["open"] and reopened["counts"]["satisfied"] == 1
    assert vote(phone(app), poll["id"], "unsatisfied").status_code == 202
    undone = producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={}).get_json()
    assert undone["undone"]["action"] == "poll_open"
    assert phone(app).get(f"/api/v1/polls/{poll['id']}").status_code == 404  # never public
    assert vote(phone(app), poll["id"], "satisfied").status_code == 404
    assert service.current_poll(episode_id) is None
    assert open_poll(producer, episode_id).status_code == 201  # a new vote may open


@pytest.mark.both_databases
def test_the_timer_closes_the_vote_on_the_next_read_even_after_a_restart(show, app, monkeypatch):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id, timer=True).get_json()
    opened = changes.now()
    assert poll["closes_at"] is not None
    vote(phone(app), poll["id"], "basically_satisfied")
    later = opened + timedelta(seconds=61)
    monkeypatch.setattr(changes, "utcnow", lambda: later)
    late = vote(phone(app), poll["id"], "satisfied")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "poll_closed"
    closed = phone(app).get(f"/api/v1/polls/{poll['id']}").get_json()
    assert closed["open"] is False and closed["counts"]["basically_satisfied"] == 1
    log = producer.get(f"/api/v1/episodes/{episode_id}/rundown/log").get_json()
    assert log[-1]["action"] == "poll_auto_close" and log[-1]["actor_id"] is None


def test_the_end_of_the_episode_closes_the_vote(show, app):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    vote(phone(app), poll["id"], "unsatisfied")
    producer.post(f"/api/v1/episodes/{episode_id}/end")
    closed = db.session.get(Poll, poll["id"], populate_existing=True)
    assert closed.closed_at is not None and closed.final_counts["unsatisfied"] == 1


@pytest.mark.both_databases
def test_undo_after_the_end_leaves_the_vote_closed_and_off_every_screen(show, app, socket_client):
    """A vote still open at the end: the end closes it with its tally; undo after the end is refused,
    cannot reopen it, and /live carries no open vote any more."""
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    vote(phone(app), poll["id"], "satisfied")
    assert producer.post(f"/api/v1/episodes/{episode_id}/end").status_code == 200
    refused = producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "episode_ended"
    closed = phone(app).get(f"/api/v1/polls/{poll['id']}").get_json()
    assert closed["open"] is False and closed["closed_at"] and closed["counts"]["satisfied"] == 1
    assert service.open_poll_of(episode_id) is None
    late = vote(phone(app), poll["id"], "unsatisfied")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "poll_closed"
    again = producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "poll_closed"
    reopened = open_poll(producer, episode_id)
    assert reopened.status_code == 409 and reopened.get_json()["error"]["code"] == "episode_ended"
    viewer = socket_client(auth={"episode": episode_id})
    state = next(m["args"][0] for m in viewer.get_received("/live") if m["name"] == "state")
    assert state["episode"]["status"] == "ended" and state["on_air"] is None
    assert state["poll"] is None or state["poll"]["open"] is False
    log = producer.get(f"/api/v1/episodes/{episode_id}/rundown/log").get_json()
    assert log[-1]["action"] == "end"  # the refused undo left nothing in the log


def test_the_tally_survives_a_restart(show, app, tmp_path):
    from tests.conftest import make_app
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    for choice in ("satisfied", "unsatisfied", "unsatisfied"):
        vote(phone(app), poll["id"], choice)
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    restarted = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    answer = restarted.test_client().get(f"/api/v1/polls/{poll['id']}").get_json()
    assert answer["counts"] == {"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 2}
    with restarted.app_context():
        db.engine.dispose()


def test_state_poll_over_live_carries_no_private_data(show, app, socket_client):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    viewer = socket_client(auth={"episode": episode_id})
    state = next(m["args"][0] for m in viewer.get_received("/live") if m["name"] == "state")
    assert state["poll"]["id"] == poll["id"] and state["poll"]["open"] is True
    assert state["poll"]["case"] == {"id": state["on_air"]["case"]["id"], "ref": state["on_air"]["case"]["ref"],
                                     "title": "断头路十年未通"}
    assert vote(phone(app), poll["id"], "satisfied").status_code == 202
    received = viewer.get_received("/live")
    tally = next(m["args"][0] for m in received if m["name"] == "tally")
    assert tally["poll_id"] == poll["id"] and tally["counts"]["satisfied"] == 1 and tally["percentages"]["satisfied"] == 100
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    closed = [m["args"][0] for m in viewer.get_received("/live") if m["name"] == "state"][-1]
    assert closed["poll"]["open"] is False and closed["poll"]["counts"]["satisfied"] == 1
    text = repr(state) + repr(closed) + repr(tally)
    assert "王秀英" not in text and "13812345678" not in text


def test_a_viewer_joining_an_open_poll_gets_the_latest_tally_as_pushed(show, app, socket_client):
    from tracker.polls.tallies import tallies
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    watching = socket_client(auth={"episode": episode_id})
    assert vote(phone(app), poll["id"], "satisfied").status_code == 202
    deadline = time.time() + 3
    while tallies().pending() and time.time() < deadline:
        time.sleep(0.05)
    pushed = [m["args"][0] for m in watching.get_received("/live") if m["name"] == "tally"][-1]
    joining = socket_client(auth={"episode": episode_id})
    [sent] = [m["args"][0] for m in joining.get_received("/live") if m["name"] == "tally"]
    assert sent == pushed and sent["counts"]["satisfied"] == 1


def test_tallies_are_coalesced_to_four_a_second(show, app, socket_client):
    from tracker.polls.tallies import tallies
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    viewer = socket_client(auth={"episode": episode_id})
    viewer.get_received("/live")
    for _ in range(20):
        vote(phone(app), poll["id"], "satisfied")
    deadline = time.time() + 3
    while tallies().pending() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
    pushed = [m["args"][0] for m in viewer.get_received("/live") if m["name"] == "tally"]
    assert 1 <= len(pushed) <= 3
    assert pushed[-1]["counts"]["satisfied"] == 20  # the last push counts every ballot


@pytest.fixture
def judged(show, app):
    """The first case voted on (2 satisfied, 1 basically, 1 unsatisfied) and closed, with a commitment."""
    producer, episode_id, items = show
    case_id = service_item_case(items[0])
    commitment = producer.post("/api/v1/commitments", json={
        "episode_id": episode_id, "case_id": case_id, "department_code": "ZJJ", "official_name": "刘敏",
        "official_title": "副局长", "content": "年底前打通幸福路", "deadline": "2027-01-31"}).get_json()
    poll = open_poll(producer, episode_id).get_json()
    for choice in ("satisfied", "satisfied", "basically_satisfied", "unsatisfied"):
        vote(phone(app), poll["id"], choice)
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    return episode_id, case_id, commitment["id"], poll["id"]


def service_item_case(item_id):
    from tracker.models import RundownItem
    return db.session.get(RundownItem, item_id).case_id


def test_the_verdict_is_on_the_public_episode_and_commitment_pages(judged, app):
    episode_id, _case_id, commitment_id, _poll = judged
    page = app.test_client().get(f"/episodes/{episode_id}", headers={"Accept-Language": "zh-CN"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "现场观众评议" in text
    assert 'value="50"' in text and "现场观众共投 4 票" in text
    assert "王秀英" not in text and "13812345678" not in text
    detail = app.test_client().get(f"/commitments/{commitment_id}").get_data(as_text=True)
    assert "现场观众评议" in detail and "现场观众共投 4 票" in detail


def test_the_verdict_is_in_the_public_api_and_the_exports(judged, app):
    _episode_id, _case_id, commitment_id, poll_id = judged
    item = app.test_client().get(f"/api/v1/public/commitments/{commitment_id}").get_json()
    assert item["audience_vote"]["poll_id"] == poll_id
    assert item["audience_vote"]["counts"] == {"satisfied": 2, "basically_satisfied": 1, "unsatisfied": 1}
    assert item["audience_vote"]["percentages"] == {"satisfied": 50, "basically_satisfied": 25, "unsatisfied": 25}
    assert item["audience_vote"]["satisfaction"] == 0.75 and item["audience_vote"]["total"] == 4
    listed = app.test_client().get("/api/v1/public/commitments").get_json()["items"]
    assert listed[0]["audience_vote"]["total"] == 4
    csv_text = app.test_client().get("/commitments.csv").get_data(as_text=True)
    header, row = csv_text.lstrip("\ufeff").splitlines()[:2]
    assert header.endswith("现场观众：满意,现场观众：基本满意,现场观众：不满意")
    assert row.endswith(",2,1,1")
    xlsx = app.test_client().get("/commitments.xlsx")
    assert xlsx.status_code == 200


@pytest.mark.both_databases
def test_the_league_shows_the_audience_satisfaction_beside_the_call_back(judged, app):
    stats = app.test_client().get("/api/v1/public/stats").get_json()
    row = next(r for r in (stats["items"] if isinstance(stats, dict) else stats) if r["code"] == "ZJJ")
    assert row["audience_satisfaction"] == 0.75 and row["satisfaction"] is None
    page = app.test_client().get("/league", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "现场观众满意率" in page and 'data-figure="audience_satisfaction">75' in page


def test_an_undone_vote_is_never_public(show, app):
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    vote(phone(app), poll["id"], "satisfied")
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/undo", json={})
    assert "现场观众评议" not in app.test_client().get(f"/episodes/{episode_id}").get_data(as_text=True)


def test_an_item_voted_on_stays_in_the_running_order(show):
    producer, episode_id, (_first, second) = show
    poll = open_poll(producer, episode_id, item_id=second).get_json()
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    producer.post(f"/api/v1/episodes/{episode_id}/rundown/{second}/skip", json={})
    refused = producer.post(f"/api/v1/episodes/{episode_id}/rundown/{second}/remove", json={})
    assert refused.status_code == 409
    assert db.session.get(Poll, poll["id"], populate_existing=True) is not None


@pytest.mark.both_databases
def test_a_ballot_racing_the_close_is_either_counted_or_refused(show, app):
    """No ballot is acknowledged and then left out of the final tally."""
    import threading
    producer, episode_id, _items = show
    poll = open_poll(producer, episode_id).get_json()
    acknowledged, lock = [], threading.Lock()

    def voter():
        for _ in range(12):
            if vote(phone(app), poll["id"], "satisfied").status_code == 202:
                with lock:
                    acknowledged.append(1)

    voters = [threading.Thread(target=voter) for _ in range(4)]
    for thread in voters:
        thread.start()
    time.sleep(0.1)
    assert producer.post(f"/api/v1/polls/{poll['id']}/close", json={}).status_code == 200
    for thread in voters:
        thread.join()
    final = db.session.get(Poll, poll["id"], populate_existing=True).final_counts
    assert final["satisfied"] == len(acknowledged) == service.counts(poll["id"])["satisfied"]
