"""Login throttling that cannot lock anyone out: failures count per address and per username
from that address, with growing delays; a correct password from a clean address always works."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import make_app
from tracker.auth import throttle
from tracker.extensions import db
from tracker.models import LoginThrottle

from .factories import PASSWORD

ATTACKER = "203.0.113.66"
STUDIO = "198.51.100.10"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(throttle, "clock", clock)
    return clock


def login(client, username, password=PASSWORD, address=ATTACKER):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def fail_patiently(client, clock, username, times, address=ATTACKER):
    """`times` wrong passwords, each made once the previous delay has passed (so each counts)."""
    for _ in range(times):
        response = login(client, username, "wrong-password", address)
        if response.status_code == 429:
            clock.advance(int(response.headers["Retry-After"]))
            response = login(client, username, "wrong-password", address)
        assert response.status_code == 401


@pytest.fixture
def producer(make):
    return make.user("producer", username="producer")


def test_eight_wrong_passwords_elsewhere_never_lock_out_the_right_password(client, clock, producer):
    fail_patiently(client, clock, "producer", 8)
    assert login(client, "producer", address=STUDIO).status_code == 200


@pytest.mark.both_databases  # upserts, RETURNING, NULLS LAST
def test_from_the_failing_address_the_right_password_waits_then_works(client, clock, producer):
    fail_patiently(client, clock, "producer", 8)
    delayed = login(client, "producer")
    assert delayed.status_code == 429
    body = delayed.get_json()
    assert body["error"]["code"] == "rate_limited"
    assert set(body["error"]) == {"code", "message", "fields"}
    wait = int(delayed.headers["Retry-After"])
    assert 0 < wait <= 300
    clock.advance(wait - 1)
    assert login(client, "producer").status_code == 429
    clock.advance(1)
    assert login(client, "producer").status_code == 200


@pytest.mark.both_databases  # upserts, RETURNING, NULLS LAST
def test_delays_grow_and_stop_at_the_cap(app, client, clock, producer):
    app.config["LOGIN_MAX_DELAY"] = 10
    waits = []
    for _ in range(10):
        assert login(client, "producer", "wrong-password").status_code == 401
        with app.app_context():
            waits.append(throttle.seconds_to_wait("producer", ATTACKER))
        clock.advance(waits[-1])
    assert waits == [0, 0, 0, 1, 2, 4, 8, 10, 10, 10]


def test_delay_per_failure(app):
    with app.app_context():
        assert [throttle.delay_after(n, 3) for n in range(1, 10)] == [0, 0, 0, 1, 2, 4, 8, 16, 32]
        assert throttle.delay_after(60, 3) == 300


def test_an_attempt_while_waiting_is_not_counted_and_not_checked(client, clock, producer):
    fail_patiently(client, clock, "producer", 4)  # the fourth makes the next one wait 1 s
    for _ in range(5):
        assert login(client, "producer", "wrong-password").status_code == 429
    assert login(client, "producer").status_code == 429  # even the right one: no oracle
    clock.advance(1)
    assert login(client, "producer").status_code == 200


def test_a_few_typos_cost_nothing(client, clock, producer):
    fail_patiently(client, clock, "producer", 3)
    assert login(client, "producer").status_code == 200


def test_signing_in_forgets_that_usernames_failures_from_there(client, clock, producer):
    fail_patiently(client, clock, "producer", 3)
    assert login(client, "producer").status_code == 200
    fail_patiently(client, clock, "producer", 3)
    assert login(client, "producer").status_code == 200  # no delay: the count started again


def test_one_address_trying_many_usernames_is_slowed_down(make, client, clock):
    make.user("supervisor", username="desk")
    for n in range(11):
        assert login(client, f"guess{n}", "wrong-password").status_code == 401
    assert login(client, "desk").status_code == 429
    assert login(client, "desk", address=STUDIO).status_code == 200
    clock.advance(1)
    assert login(client, "desk").status_code == 200


def test_usernames_count_whatever_their_case(client, clock, producer):
    fail_patiently(client, clock, "producer", 2)
    fail_patiently(client, clock, " PRODUCER ", 2)
    assert login(client, "producer").status_code == 429


def test_an_ipv6_client_counts_by_its_network(client, clock, producer):
    for n in range(4):
        assert login(client, "producer", "wrong-password", address=f"2001:db8:1:2::{n + 1}").status_code == 401
    assert login(client, "producer", address="2001:db8:1:2:ffff::9").status_code == 429
    assert login(client, "producer", address="2001:db8:1:3::1").status_code == 200


@pytest.mark.both_databases  # upserts, RETURNING, NULLS LAST
def test_failures_are_forgotten_after_an_hour_of_quiet(app, client, clock, producer):
    fail_patiently(client, clock, "producer", 8)
    clock.advance(3601)
    assert login(client, "someone-else", "wrong-password", address=STUDIO).status_code == 401  # prunes
    with app.app_context():
        rows = db.session.scalars(db.select(LoginThrottle)).all()
        assert {(row.address, row.username) for row in rows} == {(STUDIO, "someone-else"), (STUDIO, "")}
    assert login(client, "producer").status_code == 200


@pytest.mark.both_databases  # upserts, RETURNING, NULLS LAST
def test_the_throttle_is_shared_by_every_worker(app, client, clock, producer, tmp_path):
    fail_patiently(client, clock, "producer", 5)
    other_worker = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "worker-2")
    try:
        assert login(other_worker.test_client(), "producer").status_code == 429
    finally:
        with other_worker.app_context():
            db.engine.dispose()


def test_the_login_page_says_how_long_to_wait(app, client, clock, producer):
    fail_patiently(client, clock, "producer", 5)
    client.get("/lang/en")
    page = client.get("/login", environ_base={"REMOTE_ADDR": ATTACKER}).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "producer", "password": PASSWORD, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": ATTACKER})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert "Please wait 2 seconds and try again." in response.get_data(as_text=True)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_the_login_page_counts_failures_like_the_api(client, clock, producer):
    page = client.get("/login", environ_base={"REMOTE_ADDR": ATTACKER}).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    for _ in range(4):
        response = client.post("/login", data={"username": "producer", "password": "nope-nope", "csrf_token": token},
                               environ_base={"REMOTE_ADDR": ATTACKER})
        assert response.status_code == 200
    assert login(client, "producer").status_code == 429


# The administrators' page


def admin_browser(app, make):
    make.user("admin", username="boss")
    client = app.test_client()
    assert login(client, "boss", address="192.0.2.1").status_code == 200
    return client


def lift_token(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


@pytest.mark.both_databases  # upserts, RETURNING, NULLS LAST
def test_admins_see_the_throttles(app, make, client, clock, producer):
    fail_patiently(client, clock, "producer", 5)
    browser = admin_browser(app, make)
    browser.get("/lang/en")
    page = browser.get("/admin/login-throttles")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert ATTACKER in text and "producer" in text and "every username" in text
    assert "waits 2 more seconds" in text


def test_lifting_a_username_throttle_lets_that_username_in_at_once(app, make, client, clock, producer):
    fail_patiently(client, clock, "producer", 5)
    browser = admin_browser(app, make)
    with app.app_context():
        row = db.session.scalar(db.select(LoginThrottle).where(LoginThrottle.username == "producer"))
    token = lift_token(browser.get("/admin/login-throttles").get_data(as_text=True))
    response = browser.post(f"/admin/login-throttles/{row.id}/lift", data={"csrf_token": token})
    assert response.status_code == 302
    assert login(client, "producer").status_code == 200


@pytest.mark.both_databases  # upserts, RETURNING, NULLS LAST
def test_lifting_an_address_lifts_its_usernames_too(app, make, client, clock, producer):
    for n in range(11):
        login(client, f"guess{n}", "wrong-password")
    fail_patiently(client, clock, "producer", 1)
    browser = admin_browser(app, make)
    with app.app_context():
        row = db.session.scalar(db.select(LoginThrottle).where(LoginThrottle.address == ATTACKER,
                                                               LoginThrottle.username == ""))
    token = lift_token(browser.get("/admin/login-throttles").get_data(as_text=True))
    browser.post(f"/admin/login-throttles/{row.id}/lift", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalars(db.select(LoginThrottle).where(LoginThrottle.address == ATTACKER)).all() == []
    assert login(client, "producer").status_code == 200
    browser.get("/lang/en")
    page = browser.get("/admin/login-throttles").get_data(as_text=True)
    assert "No failed sign-ins in the last hour." in page


def test_lifting_needs_the_csrf_token(app, make, client, clock, producer):
    fail_patiently(client, clock, "producer", 5)
    browser = admin_browser(app, make)
    with app.app_context():
        row = db.session.scalar(db.select(LoginThrottle).where(LoginThrottle.username == "producer"))
    response = browser.post(f"/admin/login-throttles/{row.id}/lift", data={})
    assert response.status_code in (400, 403)
    assert login(client, "producer").status_code == 429


def test_lifting_one_already_gone_says_so(app, make):
    make.user("admin", username="boss")
    browser = app.test_client()
    token = login(browser, "boss", address="192.0.2.1").get_json()["csrf_token"]
    browser.get("/lang/en")
    response = browser.post("/admin/login-throttles/999/lift", data={"csrf_token": token},
                            follow_redirects=True)
    assert response.status_code == 200
    assert "already lifted" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["producer", "department", "supervisor"])
def test_only_administrators_see_or_lift_throttles(app, make, client, clock, producer, role):
    fail_patiently(client, clock, "producer", 5)
    user = make.user(role)
    browser = app.test_client()
    signed_in = login(browser, user.username, address="192.0.2.1")
    assert signed_in.status_code == 200
    assert browser.get("/admin/login-throttles").status_code == 403
    with app.app_context():
        row = db.session.scalar(db.select(LoginThrottle).where(LoginThrottle.username == "producer"))
    response = browser.post(f"/admin/login-throttles/{row.id}/lift",
                            data={"csrf_token": signed_in.get_json()["csrf_token"]})
    assert response.status_code == 403
    assert login(client, "producer").status_code == 429
    assert app.test_client().get("/admin/login-throttles").status_code == 302
