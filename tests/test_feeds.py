"""Atom feeds of the public timeline: parsed as a feed reader would, newest first, nothing private."""
from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree

import pytest

from tracker.extensions import db
from tracker.models import Commitment, CommitmentEvent
from tracker.opendata import feeds
from tracker.public.schemas import PUBLIC_ACTIONS

from .test_open311 import SECRETS, city, on_day  # noqa: F401 - fixtures shared with the Open311 tests

ATOM = "{http://www.w3.org/2005/Atom}"


def parsed(response) -> dict:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    entries = [{"id": e.findtext(f"{ATOM}id"), "title": e.findtext(f"{ATOM}title"),
                "updated": datetime.fromisoformat(e.findtext(f"{ATOM}updated")),
                "link": e.find(f"{ATOM}link").get("href"), "summary": e.findtext(f"{ATOM}summary")}
               for e in root.findall(f"{ATOM}entry")]
    return {"id": root.findtext(f"{ATOM}id"), "title": root.findtext(f"{ATOM}title"),
            "updated": root.findtext(f"{ATOM}updated"), "entries": entries,
            "self": next(link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")}


def public_events(commitment_ids: list[int] | None = None) -> list[CommitmentEvent]:
    query = db.select(CommitmentEvent).where(CommitmentEvent.action.in_(PUBLIC_ACTIONS))
    if commitment_ids is not None:
        query = query.where(CommitmentEvent.commitment_id.in_(commitment_ids))
    return list(db.session.scalars(query.order_by(CommitmentEvent.at.desc(), CommitmentEvent.id.desc())))


def commitment_of(entry: dict) -> int:
    return int(entry["link"].rsplit("/", 1)[1])


@pytest.mark.both_databases
def test_all_updates_newest_first(client, city):
    feed = parsed(client.get("/feeds/updates.atom"))
    assert feed["title"] == "《周五面对面》承诺进展"
    assert feed["self"].endswith("/feeds/updates.atom") and feed["id"].startswith("tag:")
    events = public_events()
    assert [e["id"] for e in feed["entries"]] == [feeds.tag("127.0.0.1", f"commitment-events/{e.id}") for e in events]
    times = [e["updated"] for e in feed["entries"]]
    assert times == sorted(times, reverse=True)
    assert len({e["id"] for e in feed["entries"]}) == len(feed["entries"])
    assert datetime.fromisoformat(feed["updated"]) == times[0]


def test_entries_tell_what_happened_and_link_the_public_page(client, city):
    entries = parsed(client.get(f"/feeds/commitments/{city['worked']}.atom"))["entries"]
    # committed, progress reported, extension approved; never the request nor the evidence.
    assert [e["title"] for e in entries] == [
        "市住建局：月底前打通幸福路 — 延期已批准", "市住建局：月底前打通幸福路 — 上报进展",
        "市住建局：月底前打通幸福路 — 节目中作出承诺"]
    assert all(e["link"].endswith(f"/commitments/{city['worked']}") for e in entries)
    assert "40%" in entries[1]["summary"]


def test_entry_ids_are_stable(client, city):
    first = [e["id"] for e in parsed(client.get("/feeds/updates.atom"))["entries"]]
    again = [e["id"] for e in parsed(client.get("/feeds/updates.atom"))["entries"]]
    assert first == again


def test_at_most_fifty_entries(client, city, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    entries = parsed(client.get("/feeds/updates.atom"))["entries"]
    assert [e["id"].rsplit("/", 1)[1] for e in entries] == [str(e.id) for e in public_events()[:2]]


def test_a_department_feed_has_only_its_own_commitments(client, city):
    feed = parsed(client.get("/feeds/departments/JTJ.atom"))
    assert feed["title"] == "市交通局：承诺进展"
    mine = {city["verified"], city["given_up"]}
    assert {commitment_of(e) for e in feed["entries"]} == mine
    assert len(feed["entries"]) == len(public_events(list(mine)))
    assert all(e["title"].startswith("市交通局：") for e in feed["entries"])


@pytest.mark.parametrize("path", ["/feeds/departments/NOPE.atom", "/feeds/commitments/999999.atom"])
def test_unknown_department_or_commitment_is_404(client, city, path):
    assert client.get(path).status_code == 404


def test_conditional_requests_answer_304(client, city):
    response = client.get("/feeds/updates.atom")
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/feeds/updates.atom", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/feeds/updates.atom", headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert since.status_code == 304


def test_a_new_event_changes_the_feed(client, city, api):
    before = client.get(f"/feeds/commitments/{city['worked']}.atom")
    department = api.as_user(db.session.get(Commitment, city["worked"]).department.users[0])
    department.post(f"/api/v1/commitments/{city['worked']}/progress", json={"note": "x", "percent": 60})
    after = client.get(f"/feeds/commitments/{city['worked']}.atom",
                       headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and len(parsed(after)["entries"]) == 4


def test_english_on_request(client, city):
    feed = parsed(client.get("/feeds/departments/ZJJ.atom?lang=en"))
    assert feed["title"] == "市住建局: commitment updates"
    assert feed["entries"][0]["title"] == "市住建局: 月底前打通幸福路 — Extension approved"


def test_nothing_private_in_any_feed(client, city):
    paths = ["/feeds/updates.atom", "/feeds/departments/ZJJ.atom", "/feeds/departments/JTJ.atom",
             *(f"/feeds/commitments/{city[name]}.atom" for name in ("worked", "verified", "given_up"))]
    for path in paths:
        text = client.get(path).get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in text, (path, secret)
        assert "attachments/" not in text
