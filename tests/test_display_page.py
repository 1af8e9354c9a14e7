"""`/display/<episode_id>`: the on-air page as served — before any live data reaches it."""
from __future__ import annotations

import re

import pytest

from tracker.live.display_tokens import issue_display_token, revoke_display_token


@pytest.fixture
def episode(make):
    return make.episode(45, "聚焦城市建设")


def page(client, path: str):
    response = client.get(path)
    return response, response.get_data(as_text=True)


def body_attributes(html: str) -> str:
    return re.search(r"<body([^>]*)>", html).group(1)


def test_anyone_can_open_a_display(client, episode):
    response, html = page(client, f"/display/{episode.id}")
    assert response.status_code == 200
    attributes = body_attributes(html)
    assert f'data-episode="{episode.id}"' in attributes
    assert 'data-layout="board"' in attributes and 'data-mode="program"' in attributes
    assert "layout-board" in attributes and "is-waiting" in attributes
    assert 'class="display-root is-opaque"' in html
    assert '<script type="module" src="/static/js/display.js"></script>' in html
    assert "《周五面对面》" in html and "聚焦城市建设" in html


def test_the_page_has_no_inline_script_or_style(client, episode):
    _response, html = page(client, f"/display/{episode.id}?layout=lower-third&transparent=1&mode=preview")
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html and "<style" not in html


def test_an_on_air_page_is_never_cached(client, episode):
    response, _html = page(client, f"/display/{episode.id}")
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_an_unknown_episode_is_a_404_page(client, episode):
    response, html = page(client, "/display/999999")
    assert response.status_code == 404 and "<html" in html
    assert client.get("/display/not-a-number").status_code == 404


@pytest.mark.parametrize(("asked", "shown"), [
    ("board", "board"), ("lower-third", "lower-third"), ("commitments", "commitments"),
    ("poll", "poll"), ("timer", "timer"), ("nonsense", "board"), ("", "board")])
def test_the_layout_comes_from_the_address(client, episode, asked, shown):
    _response, html = page(client, f"/display/{episode.id}?layout={asked}")
    assert f'data-layout="{shown}"' in body_attributes(html)
    assert f"layout-{shown}" in body_attributes(html)


def test_each_layout_has_its_own_frame(client, episode):
    frames = {"board": "data-featured", "lower-third": "data-lower-third", "commitments": "data-roll-window",
              "timer": "data-timer"}
    for layout, marker in frames.items():
        _response, html = page(client, f"/display/{episode.id}?layout={layout}")
        assert marker in html
        # The board carries a strap of its own; no other layout carries another's frame.
        others = [other for other in frames.values() if other != marker
                  and not (layout == "board" and other == "data-lower-third")]
        assert all(other not in html for other in others)


@pytest.mark.parametrize("query", ["", "layout=lower-third", "layout=timer", "transparent=1", "layout=poll"])
def test_every_layout_has_the_start_and_end_frame(client, episode, query):
    _response, html = page(client, f"/display/{episode.id}?{query}")
    assert "data-frame" in html and "即将开始" in html and "本期节目结束" in html


def test_programme_output_has_no_connection_light_but_a_preview_may(client, episode):
    _response, html = page(client, f"/display/{episode.id}")
    assert "status-dot" not in html
    _response, html = page(client, f"/display/{episode.id}?mode=preview")
    assert "status-dot" in html


def test_transparent_paints_nothing_but_the_graphic(client, episode):
    _response, html = page(client, f"/display/{episode.id}?transparent=1")
    assert 'class="display-root is-transparent"' in html
    assert "backdrop" not in html and "masthead" not in html and 'class="neutral"' not in html
    assert "status-dot" not in html


def test_preview_mode_is_marked_for_the_operator(client, episode):
    _response, html = page(client, f"/display/{episode.id}?mode=preview")
    assert 'data-mode="preview"' in body_attributes(html) and "is-preview" in body_attributes(html)
    assert "preview-badge" in html


def test_the_display_name_is_passed_on_escaped(client, episode):
    _response, html = page(client, f"/display/{episode.id}?name=大屏2")
    assert 'data-name="大屏2"' in body_attributes(html)
    _response, html = page(client, f'/display/{episode.id}?name="><script>alert(1)</script>')
    assert "<script>alert(1)" not in html
    assert 'data-name="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in body_attributes(html)


def test_the_page_itself_carries_no_case_data(client, make, api, episode):
    """Everything on air arrives over /live; the HTML has nothing of the case, least of all its complainant."""
    producer = api.as_role("producer")
    case = make.case("幸福路断头路十年未通", complainant_name="张秀兰", complainant_phone="13912345678")
    item = producer.post(f"/api/v1/episodes/{episode.id}/rundown", json={"case_id": case.id}).get_json()
    assert producer.post(f"/api/v1/episodes/{episode.id}/rundown/{item['id']}/take", json={}).status_code == 200
    for layout in ("board", "lower-third", "commitments"):
        _response, html = page(client, f"/display/{episode.id}?layout={layout}")
        assert "张秀兰" not in html and "13912345678" not in html and "幸福路" not in html


def test_where_tokens_are_required_the_page_needs_a_valid_one(app, client, episode):
    app.config["DISPLAY_TOKEN_REQUIRED"] = True
    record, token = issue_display_token("演播室大屏")
    assert client.get(f"/display/{episode.id}").status_code == 403
    assert client.get(f"/display/{episode.id}?token=ftd_not-a-token").status_code == 403
    # Without a token the page does not even say whether the episode exists.
    assert client.get("/display/999999").status_code == 403

    response, html = page(client, f"/display/{episode.id}?token={token}&layout=lower-third")
    assert response.status_code == 200
    assert f'data-token="{token}"' in body_attributes(html)
    assert client.get(f"/display/999999?token={token}").status_code == 404

    revoke_display_token(record.id)
    assert client.get(f"/display/{episode.id}?token={token}").status_code == 403


def test_without_the_requirement_the_token_is_ignored(client, episode):
    assert client.get(f"/display/{episode.id}?token=whatever").status_code == 200


def test_the_display_speaks_chinese_unless_asked_otherwise(client, episode):
    _response, html = page(client, f"/display/{episode.id}")
    assert '<html lang="zh-CN"' in html
    _response, html = page(client, f"/display/{episode.id}?lang=en")
    assert '<html lang="en"' in html and "On air" in html
