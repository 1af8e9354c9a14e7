"""The episode pages and the console as HTML: who may open them, planning an episode, escaping."""
from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Episode, EpisodeStatus

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)> 𠀀😀"


@pytest.fixture
def producer(api, make):
    """A producer's browser session and its CSRF token."""
    return api.session_login(make.user("producer"))


@pytest.fixture
def episode(make):
    return make.episode(44, "老旧小区改造回头看", date(2026, 12, 4))


def form(csrf, **changes) -> dict:
    fields = {"csrf_token": csrf, "number": "", "title": "聚焦城市建设", "air_date": "2026-12-11",
              "start_time": "19:30", "end_time": "21:00"}
    fields.update(changes)
    return fields


def episodes() -> list[Episode]:
    db.session.expire_all()
    return list(db.session.scalars(select(Episode).order_by(Episode.number)))


def console_data(page: str) -> dict:
    """The JSON block the console's JavaScript starts from."""
    block = re.search(r'<script type="application/json" id="console-data">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


# --- who may open the pages ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["/studio/episodes", "/studio/episodes/{id}", "/studio/episodes/{id}/edit"])
def test_the_pages_are_for_producers_only(api, make, episode, path):
    url = path.format(id=episode.id)
    producer_client, _ = api.session_login(make.user("producer"))
    assert producer_client.get(url).status_code == 200
    for role in ("admin", "supervisor", "department"):
        client, _ = api.session_login(make.user(role))
        assert client.get(url).status_code == 403, role
    anonymous = api.anonymous.client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")


def test_an_unknown_episode_is_a_404_page(producer):
    client, _ = producer
    response = client.get("/studio/episodes/999999")
    assert response.status_code == 404
    assert "<html" in response.text


# --- the list -----------------------------------------------------------------------------

def test_the_list_shows_every_episode_newest_first_with_its_size(producer, make, api, episode):
    older = make.episode(43, "物业管理大家谈", date(2026, 11, 20))
    older.status = EpisodeStatus.ENDED
    db.session.commit()
    token_client = api.as_role("producer")
    for title in ("断头路", "转供电"):
        case = make.case(title)
        token_client.post(f"/api/v1/episodes/{episode.id}/rundown", json={"case_id": case.id})
    client, _ = producer

    page = client.get("/studio/episodes").text

    assert page.index("老旧小区改造回头看") < page.index("物业管理大家谈")
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    cells = [re.findall(r'<td class="num">(\d+)</td>', row) for row in rows]
    assert cells == [["44", "2"], ["43", "0"]]
    assert f'href="/studio/episodes/{episode.id}"' in page
    assert f'href="/studio/episodes/{episode.id}/edit"' in page


@pytest.mark.both_databases
def test_the_new_episode_form_suggests_the_next_number(producer, episode):
    client, _ = producer
    page = client.get("/studio/episodes").text
    assert re.search(r'<input[^>]*id="number"[^>]*value="45"', page)


# --- planning an episode ------------------------------------------------------------------

def test_a_producer_plans_an_episode_in_beijing_time(producer):
    client, csrf = producer

    response = client.post("/studio/episodes", data=form(csrf))

    created = episodes()[0]
    assert response.status_code == 302
    assert response.headers["Location"] == f"/studio/episodes/{created.id}"
    assert created.number == 1 and created.title == "聚焦城市建设"
    assert created.air_date == date(2026, 12, 11)
    # 19:30 and 21:00 in Asia/Shanghai are 11:30 and 13:00 UTC.
    assert created.scheduled_start == datetime(2026, 12, 11, 11, 30, tzinfo=UTC)
    assert created.scheduled_end == datetime(2026, 12, 11, 13, 0, tzinfo=UTC)
    assert created.status is EpisodeStatus.PLANNED
    console = client.get(response.headers["Location"])
    assert "19:30–21:00" in console.text


def test_the_times_are_optional(producer):
    client, csrf = producer
    assert client.post("/studio/episodes", data=form(csrf, start_time="", end_time="")).status_code == 302
    assert episodes()[0].scheduled_start is None and episodes()[0].scheduled_end is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"air_date": ""}, "air_date"),
    ({"air_date": "2026-13-45"}, "air_date"),
    ({"start_time": "21:00", "end_time": "19:30"}, "end_time"),
    ({"start_time": "25:99"}, "start_time"),
    ({"number": "0"}, "number"),
    ({"title": "长" * 201}, "title"),
])
def test_invalid_input_is_shown_next_to_its_field_and_changes_nothing(producer, changes, field):
    client, csrf = producer

    response = client.post("/studio/episodes", data=form(csrf, **changes))

    assert response.status_code == 422
    assert re.search(rf'<div id="{field}-error">\s*<p class="field-error">', response.text)
    assert episodes() == []


@pytest.mark.both_databases
def test_a_number_in_use_is_refused_on_its_field(producer, episode):
    client, csrf = producer

    response = client.post("/studio/episodes", data=form(csrf, number="44"))

    assert response.status_code == 422
    assert re.search(r'<div id="number-error">', response.text)
    assert len(episodes()) == 1


def test_a_form_without_its_csrf_token_is_refused(producer):
    client, _ = producer
    response = client.post("/studio/episodes", data=form(""))
    assert response.status_code == 403
    assert episodes() == []


def test_a_producer_edits_an_episode(producer, episode):
    client, csrf = producer
    page = client.get(f"/studio/episodes/{episode.id}/edit").text
    assert 'value="老旧小区改造回头看"' in page

    response = client.post(f"/studio/episodes/{episode.id}/edit",
                           data=form(csrf, number="44", title="老旧小区改造再回头", start_time="20:00", end_time=""))

    assert response.status_code == 302
    saved = episodes()[0]
    assert saved.title == "老旧小区改造再回头" and saved.number == 44
    assert saved.scheduled_start == datetime(2026, 12, 11, 12, 0, tzinfo=UTC)
    assert saved.scheduled_end is None
    again = client.get(f"/studio/episodes/{episode.id}/edit").text
    assert re.search(r'id="start_time"[^>]*value="20:00"', again)


def test_an_invalid_edit_changes_nothing(producer, episode):
    client, csrf = producer
    response = client.post(f"/studio/episodes/{episode.id}/edit", data=form(csrf, title=""))
    assert response.status_code == 422
    assert episodes()[0].title == "老旧小区改造回头看"


# --- the console --------------------------------------------------------------------------

def test_the_console_starts_from_the_running_order_and_the_live_state(producer, api, make, episode):
    token_client = api.as_role("producer")
    department = make.department("ZJJ", "市住建局")
    first, second = make.case("断头路十年未通", departments=[department]), make.case("转供电加价")
    for case in (first, second):
        token_client.post(f"/api/v1/episodes/{episode.id}/rundown", json={"case_id": case.id, "planned_seconds": 300})
    items = token_client.get(f"/api/v1/episodes/{episode.id}/rundown").get_json()["items"]
    token_client.post(f"/api/v1/episodes/{episode.id}/rundown/{items[0]['id']}/take", json={})
    client, _ = producer

    page = client.get(f"/studio/episodes/{episode.id}").text

    data = console_data(page)
    assert data["episode_id"] == episode.id
    assert data["rundown"]["version"] == data["state"]["version"] == 3
    assert [item["case"]["title"] for item in data["rundown"]["items"]] == ["断头路十年未通", "转供电加价"]
    assert data["state"]["on_air"]["case"]["title"] == "断头路十年未通"
    assert data["moves"]["queued"] == ["take", "standby", "skip", "hold"]
    assert data["messages"]["conflicts"]["stale_version"]
    assert re.search(r'<meta name="csrf-token" content="[\w.-]+">', page)
    assert len(re.findall(r'<tr class="rundown-row" data-state="\w+" id="item-', page)) == 2
    assert 'data-state="on_air" id="item-' in page
    assert "市住建局" in page
    assert "张秀兰" not in page and "13900000001" not in page  # the complainant never reaches the console
    assert re.search(r'<script type="module" src="/static/js/console.js', page)
    assert "<script>" not in page  # no inline script: the page's JSON is a data block only


def test_hostile_titles_are_escaped_in_the_console(producer, api, make):
    token_client = api.as_role("producer")
    episode = make.episode(7, HOSTILE)
    case = make.case(HOSTILE)
    token_client.post(f"/api/v1/episodes/{episode.id}/rundown", json={"case_id": case.id})
    items = token_client.get(f"/api/v1/episodes/{episode.id}/rundown").get_json()["items"]
    token_client.post(f"/api/v1/episodes/{episode.id}/rundown/{items[0]['id']}/standby", json={})
    client, _ = producer

    for url in (f"/studio/episodes/{episode.id}", "/studio/episodes", f"/studio/episodes/{episode.id}/edit"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page, url
    page = client.get(f"/studio/episodes/{episode.id}").text
    # In the JSON block the markup is \u-escaped, so no "</script>" can end the block early.
    assert console_data(page)["rundown"]["items"][0]["case"]["title"] == HOSTILE
    standby = page[page.index('data-stage="standby"'):]
    assert unescape(re.search(r'data-stage-field="title">(.*?)</p>', standby).group(1)) == HOSTILE


def test_the_console_of_an_ended_episode_still_opens(producer, api, episode):
    token_client = api.as_role("producer")
    token_client.post(f"/api/v1/episodes/{episode.id}/start")
    token_client.post(f"/api/v1/episodes/{episode.id}/end")
    client, _ = producer

    response = client.get(f"/studio/episodes/{episode.id}")

    assert response.status_code == 200
    assert console_data(response.text)["state"]["episode"]["status"] == "ended"
    banner = re.search(r'<div class="console-banner banner-ended" data-ended-banner( hidden)?>', response.text)
    assert banner and banner.group(1) is None  # the first frame already says the show is over


def test_the_console_offers_the_strap_buses_the_timer_and_the_new_keys(producer, episode):
    client, _ = producer
    page = client.get(f"/studio/episodes/{episode.id}").text

    assert 'data-strap-bus="preview"' in page and 'data-strap-bus="program"' in page
    assert "data-strap-auto-out" in page
    assert f'href="/display/{episode.id}?layout=timer"' in page
    assert "主持人计时器" in page  # Chinese first
    assert re.search(r'data-ended-banner hidden', page)  # a planned show has not ended
    legend = page[page.index('class="key-legend"'):page.index("</section>", page.index('class="key-legend"'))]
    keys = re.findall(r'<kbd class="kbd">([^<]+)</kbd>', legend)
    for key in ("Space", "T", "N", "D", "S", "H", "R", "E", "L", "P", "O", "Z", "Esc", "C", "/"):
        assert key in keys, key
    assert "data-correction-dialog" in page and "data-withdraw-dialog" in page
    messages = console_data(page)["messages"]
    assert messages["undone"] == "已撤销：{description}"
    assert messages["conflicts"]["nothing_cued"]
    assert messages["undo_ended"] == "本期节目已结束，无法撤销。"
