"""`/vote/<episode>` on a phone, the vote's QR code, and the producer's printable sheet."""
from __future__ import annotations

import re

import pytest

from tracker.live.display_tokens import issue_display_token
from tracker.polls import codes
from tracker.vote import qr

BUDGET_BYTES = 50 * 1024
HOTLINE_SUMMARY = "来电人王秀英反映小区门口道路十年未通，联系电话13812345678，希望尽快打通。"


@pytest.fixture
def show(api, make):
    """A live episode whose first case is on air; its complainant and phone are private."""
    producer = api.as_role("producer")
    department = make.department("ZJJ", "市住建局")
    episode = producer.post("/api/v1/episodes", json={"title": "聚焦城市建设", "air_date": "2026-12-04"}).get_json()
    case = make.case("断头路十年未通", departments=[department], summary=HOTLINE_SUMMARY,
                     complainant_name="王秀英", complainant_phone="13812345678")
    item = producer.post(f"/api/v1/episodes/{episode['id']}/rundown", json={"case_id": case.id}).get_json()["id"]
    producer.post(f"/api/v1/episodes/{episode['id']}/start")
    producer.post(f"/api/v1/episodes/{episode['id']}/rundown/{item}/take", json={})
    return producer, episode["id"]


def open_poll(producer, episode_id, **body):
    answer = producer.post(f"/api/v1/episodes/{episode_id}/polls", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def static_bytes(client, path: str) -> bytes:
    response = client.get(path)
    try:
        assert response.status_code == 200
        return response.data
    finally:
        response.close()


def html_of(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_before_any_vote_the_phone_is_told_to_wait(client, show):
    _producer, episode_id = show
    response = client.get(f"/vote/{episode_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'data-state="idle"' in html and "《周五面对面》" in html and "聚焦城市建设" in html
    assert "现在没有进行中的投票" in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [] and " style=" not in html


def test_an_open_vote_shows_the_case_public_text_and_three_buttons(client, show):
    producer, episode_id = show
    poll = open_poll(producer, episode_id)
    html = html_of(client, f"/vote/{episode_id}")
    assert f'data-poll="{poll["id"]}"' in html and 'data-state="open"' in html
    assert "断头路十年未通" in html and "市住建局" in html
    assert [value for value in re.findall(r'name="choice" value="(\w+)"', html)] == [
        "satisfied", "basically_satisfied", "unsatisfied"]
    assert ">满意<" in html and ">基本满意<" in html and ">不满意<" in html


def test_the_vote_page_never_shows_the_complainant_or_the_hotline_text(client, show):
    producer, episode_id = show
    open_poll(producer, episode_id)
    html = html_of(client, f"/vote/{episode_id}")
    assert "王秀英" not in html and "13812345678" not in html
    assert "138****5678" in html  # the public summary, masked


def test_a_closed_vote_says_so_with_its_final_tally(app, client, show):
    producer, episode_id = show
    poll = open_poll(producer, episode_id)
    for choice in ("satisfied", "unsatisfied", "unsatisfied"):
        assert app.test_client().post(f"/api/v1/polls/{poll['id']}/ballots", json={"choice": choice}).status_code == 202
    producer.post(f"/api/v1/polls/{poll['id']}/close", json={})
    html = html_of(client, f"/vote/{episode_id}")
    assert 'data-state="closed"' in html and "投票已结束" in html
    assert "&#34;unsatisfied&#34;: 2" in html and "&#34;satisfied&#34;: 1" in html


def test_the_code_from_the_qr_code_is_carried_into_the_page(client, show):
    _producer, episode_id = show
    assert 'data-code="ABC234"' in html_of(client, f"/vote/{episode_id}?code=ABC234")
    assert 'value="S001-XYZ"' in html_of(client, f"/vote/{episode_id}?c=S001-XYZ")


def test_the_vote_page_speaks_english_too(client, show):
    producer, episode_id = show
    open_poll(producer, episode_id)
    html = html_of(client, f"/vote/{episode_id}?lang=en")
    assert '<html lang="en">' in html and "Audience vote" in html
    assert ">Satisfied<" in html and ">Basically satisfied<" in html and ">Unsatisfied<" in html
    assert "中文" in html  # the way back


def test_the_vote_page_fits_a_slow_3g_budget(client, show):
    """HTML, CSS and JavaScript together under 50 KB as transferred (the server does not
    compress), and no framework: not the 40 KB vendored socket.io client either."""
    producer, episode_id = show
    open_poll(producer, episode_id)
    html = html_of(client, f"/vote/{episode_id}")
    assets = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:css|js))"', html)
    assert "/static/css/vote.css" in assets and "/static/js/vote.js" in assets
    imports = re.findall(r'from "\./([\w-]+\.js)"', static_bytes(client, "/static/js/vote.js").decode())
    assets += [f"/static/js/{name}" for name in imports]
    assert "/static/js/vote-socket.js" in assets and not any("vendor" in a for a in assets)
    sizes = {path: len(static_bytes(client, path)) for path in assets}
    total = len(html.encode()) + sum(sizes.values())
    assert total < BUDGET_BYTES, sizes


def test_an_unknown_episode_has_no_vote_page(client):
    assert client.get("/vote/999999").status_code == 404
    assert client.get("/vote/999999/qr.svg").status_code == 404


def test_the_qr_code_is_an_svg_of_the_vote_page(client, show):
    _producer, episode_id = show
    response = client.get(f"/vote/{episode_id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Vote-Code"] == "none"
    with client.application.test_request_context(base_url="http://localhost"):
        expected = qr.svg(f"http://localhost/vote/{episode_id}")
    assert response.get_data(as_text=True) == expected and expected.startswith("<svg")


def test_the_qr_code_uses_the_public_base_url_unless_it_is_loopback(app, client, show):
    _producer, episode_id = show
    app.config["BASE_URL"] = "https://tv.example.cn"
    with app.test_request_context():
        assert qr.vote_url(episode_id) == f"https://tv.example.cn/vote/{episode_id}"
        assert qr.vote_url(episode_id, "AB CD") == f"https://tv.example.cn/vote/{episode_id}?code=AB+CD"
    app.config["BASE_URL"] = "http://127.0.0.1:8000"
    with app.test_request_context(base_url="http://192.168.1.20:8000"):
        assert qr.vote_url(episode_id) == f"http://192.168.1.20:8000/vote/{episode_id}"


def test_the_rotating_code_is_in_the_qr_for_a_producer_or_a_display_with_its_token(app, api, make, client, show):
    producer, episode_id = show
    poll = open_poll(producer, episode_id, code_mode="rotating")
    anonymous = client.get(f"/vote/{episode_id}/qr.svg")
    assert anonymous.headers["X-Vote-Code"] == "withheld"  # the open /live stream must not give it away
    with app.app_context():
        _record, token = issue_display_token("大屏1")
    display = client.get(f"/vote/{episode_id}/qr.svg?token={token}")
    assert display.headers["X-Vote-Code"] == "rotating"
    assert 0 < float(display.headers["X-Code-Rotates-In"]) <= codes.WINDOW_SECONDS
    cookie_client, _csrf = api.session_login(make.user("producer"))
    console = cookie_client.get(f"/vote/{episode_id}/qr.svg")
    assert console.headers["X-Vote-Code"] == "rotating"
    with app.test_request_context(base_url="http://localhost"):
        candidates = {qr.svg(qr.vote_url(episode_id, codes.rotating_code(poll["id"], moment)))
                      for moment in _around_now()}
    assert console.get_data(as_text=True) in candidates


def _around_now():
    from datetime import timedelta

    from tracker.models import utcnow
    moment = utcnow()
    return [moment - timedelta(seconds=codes.WINDOW_SECONDS), moment]


def test_where_displays_need_a_token_so_does_the_qr_code(app, client, show):
    _producer, episode_id = show
    app.config["DISPLAY_TOKEN_REQUIRED"] = True
    assert client.get(f"/vote/{episode_id}/qr.svg").status_code == 403
    with app.app_context():
        _record, token = issue_display_token("大屏1")
    assert client.get(f"/vote/{episode_id}/qr.svg?token={token}").status_code == 200


def test_the_printable_sheet_has_the_qr_code_and_the_seat_cards(app, api, make, show):
    _producer, episode_id = show
    cookie_client, _csrf = api.session_login(make.user("producer"))
    html = html_of(cookie_client, f"/studio/episodes/{episode_id}/vote-sheet")
    with app.app_context():
        seats = codes.seat_codes(episode_id)
    printed = re.findall(r"data-seat-code>([^<]+)<", html)
    assert printed == seats[:40] and html.count("<svg") == 41
    assert "扫码投票" in html and f"/vote/{episode_id}" in html
    later = html_of(cookie_client, f"/studio/episodes/{episode_id}/vote-sheet?first=41")
    assert re.findall(r"data-seat-code>([^<]+)<", later) == seats[40:80]


def test_only_a_producer_prints_the_sheet(api, make, client, show):
    _producer, episode_id = show
    path = f"/studio/episodes/{episode_id}/vote-sheet"
    assert client.get(path).status_code == 302  # to the login page
    supervisor, _csrf = api.session_login(make.user("supervisor"))
    assert supervisor.get(path).status_code == 403


def test_the_console_has_the_vote_panel_the_key_and_the_previews(api, make, show):
    _producer, episode_id = show
    cookie_client, _csrf = api.session_login(make.user("producer"))
    html = html_of(cookie_client, f"/studio/episodes/{episode_id}")
    assert "data-vote-panel" in html and 'data-default-code-mode="off"' in html
    assert "开始或结束观众投票" in html  # V in the key legend
    for link in (f"/display/{episode_id}?layout=poll", f"/display/{episode_id}?layout=poll&amp;transparent=1",
                 f"/vote/{episode_id}/qr.svg", f'/vote/{episode_id}"', f"/studio/episodes/{episode_id}/vote-sheet"):
        assert link in html, link
    assert re.findall(r'<option value="(\w+)"', html.split("data-vote-code-mode", 1)[1])[:3] == [
        "off", "rotating", "studio"]
