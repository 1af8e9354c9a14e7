"""The public tracker at scale: figures kept until the data changes, and conditional requests
answered 304 — never a stale figure, never one visitor's page in a shared cache."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tracker.commitments import rules
from tracker.extensions import db
from tracker.models import EpisodeStatus, freshness

from .commitment_data import Commitments

pytestmark = pytest.mark.both_databases  # the data-version row and its compare-and-set

TODAY = date(2026, 12, 10)


@pytest.fixture
def on_day(monkeypatch):
    monkeypatch.setattr(rules, "today", lambda: TODAY)


@pytest.fixture
def city(app, make, on_day):
    zjj = make.department("ZJJ", "市住建局")
    episode = make.episode(41, "聚焦城市建设", date(2026, 11, 6))
    episode.status = EpisodeStatus.ENDED
    commitments = Commitments(make)
    commitments._episode = episode
    open_one = commitments.create(zjj, deadline=TODAY + timedelta(days=20))
    claimed = commitments.create(zjj, deadline=TODAY + timedelta(days=5), status="claimed_done")
    db.session.commit()
    return {"zjj": zjj, "episode": episode.id, "open": open_one.id, "claimed": claimed.id}


def public_urls(city: dict) -> list[str]:
    return ["/", "/commitments?department=ZJJ&status=committed", f"/commitments/{city['open']}", "/league",
            "/departments/ZJJ", f"/episodes/{city['episode']}", "/api/v1/public/commitments?department=ZJJ",
            f"/api/v1/public/commitments/{city['open']}", "/api/v1/public/stats"]


def headline(html: str) -> list[str]:
    return re.findall(r'<span class="headline-value">(.*?)</span>', html)


def test_an_unchanged_answer_is_304_without_a_body(client, city):
    client.get(f"/commitments/{city['open']}")    # its follow form puts a form token in the session
    for url in public_urls(city):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first.headers["ETag"] and first.headers["Last-Modified"], url
        assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate", url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
        assert again.headers["ETag"] == first.headers["ETag"], url
        since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304 and since.data == b"", url


def test_a_verification_changes_the_etag_and_the_figures(client, api, make, city):
    before = client.get("/api/v1/public/stats")
    home = client.get("/")
    assert before.get_json()[0]["verified"] == 0 and headline(home.text)[1] == "0"
    supervisor = api.as_role("supervisor")
    answer = supervisor.post(f"/api/v1/commitments/{city['claimed']}/verify", json={"satisfaction": "satisfied"})
    assert answer.status_code == 200, answer.get_json()

    after = client.get("/api/v1/public/stats", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.get_json()[0]["verified"] == 1 and after.get_json()[0]["satisfaction"] == 1.0
    home_after = client.get("/", headers={"If-None-Match": home.headers["ETag"]})
    assert home_after.status_code == 200 and headline(home_after.text)[1] == "1"
    page = client.get(f"/commitments/{city['claimed']}")
    assert page.status_code == 200


def test_a_new_commitment_shows_at_once_on_the_cached_pages(client, make, city):
    assert client.get("/api/v1/public/stats").get_json()[0]["total"] == 2
    assert headline(client.get("/").text)[0] == "2"
    Commitments(make).create(city["zjj"], deadline=TODAY - timedelta(days=1))   # already overdue
    row = client.get("/api/v1/public/stats").get_json()[0]
    assert row["total"] == 3 and row["overdue"] == 1
    assert headline(client.get("/").text)[0] == "3"
    assert "3" in client.get("/departments/ZJJ").text


def test_the_turn_of_the_day_changes_the_etag(client, city, monkeypatch):
    first = client.get("/api/v1/public/stats")
    assert first.get_json()[0]["overdue"] == 0
    monkeypatch.setattr(rules, "today", lambda: TODAY + timedelta(days=10))
    later = client.get("/api/v1/public/stats", headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200 and later.get_json()[0]["overdue"] == 1


def test_only_public_data_raises_the_version(app, make, city):
    version, _ = freshness.current(db.session)
    make.user("producer")
    assert freshness.current(db.session)[0] == version
    make.department("JTJ", "市交通局")
    assert freshness.current(db.session)[0] == version + 1


def test_pages_for_a_signed_in_user_are_private(client, api, make, city):
    anonymous = client.get("/league")
    browser, _token = api.session_login(make.user("supervisor"))
    signed_in = browser.get("/league")
    assert signed_in.status_code == 200
    assert signed_in.headers["Cache-Control"].startswith("private")
    assert signed_in.headers["ETag"] != anonymous.headers["ETag"]
    assert "Cookie" in signed_in.headers["Vary"]
    # The anonymous copy is not answered as still valid for the signed-in visitor.
    assert browser.get("/league", headers={"If-None-Match": anonymous.headers["ETag"]}).status_code == 200


def test_a_page_that_starts_a_session_is_private(client, city):
    first = client.get(f"/commitments/{city['open']}")
    assert first.headers["Cache-Control"].startswith("private") and "Set-Cookie" in first.headers
    second = client.get(f"/commitments/{city['open']}", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["Cache-Control"].startswith("public")


def test_the_language_is_part_of_the_validator(client, city):
    chinese = client.get("/league")
    client.get("/lang/en")
    english = client.get("/league", headers={"If-None-Match": chinese.headers["ETag"]})
    assert english.status_code == 200 and english.headers["ETag"] != chinese.headers["ETag"]


def test_a_refused_change_leaves_the_version_and_the_etag(app, api, client, city):
    before = client.get("/api/v1/public/stats").headers["ETag"]
    with app.app_context():
        version = freshness.current(db.session)[0]
    supervisor = api.as_role("supervisor")
    refused = supervisor.post(f"/api/v1/commitments/{city['open']}/verify", json={"satisfaction": "satisfied"})
    assert refused.status_code == 409
    with app.app_context():
        assert freshness.current(db.session)[0] == version
    assert client.get("/api/v1/public/stats").headers["ETag"] == before
