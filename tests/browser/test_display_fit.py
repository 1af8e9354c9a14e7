"""Text that fits: the longest realistic texts, on every layout at 1920×1080, in Chinese and in
English, are shown whole — smaller type and more lines, never "…", never cut by a box's edge."""
from __future__ import annotations

import json

import pytest

from .display_helpers import FULL_HD, open_display, snap

pytestmark = pytest.mark.browser

TEXTS = {
    "zh": {
        "episode": "聚焦城市建设与民生保障：道路、供电、物业与老旧小区改造问政",
        "title": "幸福路断头路十年未打通居民每天绕行三公里上学就医极不方便多次反映至今没有任何明确答复",
        "summary": ("居民多次通过12345热线反映，幸福路东段因征迁协调不到位十年未能打通，周边三个小区近两千户居民"
                    "每天上下班、孩子上学都要绕行三公里，雨天道路泥泞，救护车也难以进入，群众意见很大。"),
        "commitment": ("三个月内完成幸福路东段剩余征迁协调工作，春节前完成道路主体施工并实现通车，同步完善路灯、"
                       "排水和人行道设施，施工期间每两周向沿线居民公示一次工程进度，接受群众监督，如未按期完成将"
                       "向市委市政府作出书面说明并公开致歉，欢迎群众随时监督！"),
        "official": "李建国",
        "official_title": "市住房和城乡建设局党组书记",
        "quote": "这条路拖了十年，责任在我们，春节前一定打通，打不通我到这里来向全市群众道歉，请大家监督我们的工作！",
        "block": "回头看：去年承诺的老旧小区改造项目和道路建设工程究竟兑现了没有",
    },
    "en": {
        "episode": "Urban construction and livelihoods: roads, power supply, property management",
        "title": "Xingfu Road dead end still not opened after ten years, residents detour three kilometres daily",
        "summary": ("Residents have called the 12345 hotline many times: the eastern section of Xingfu Road has been "
                    "blocked for ten years because relocation talks stalled, and ambulances cannot get through."),
        "commitment": ("Complete the remaining relocation coordination for the eastern section of Xingfu Road within "
                       "three months and open the road to traffic before the Spring Festival, with street lights, "
                       "drainage and pavements, publishing progress every two weeks."),
        "official": "Li Jianguo",
        "official_title": "Party Secretary, Municipal Housing and Urban-Rural Development Bureau",
        "quote": "This road has been delayed for ten years; the responsibility is ours. It will open before the Spring Festival.",
        "block": "Follow-up: were last year's promises on old residential compounds and roads kept",
    },
}


def fit_measure(texts: list[str], boxes: list[str]) -> str:
    """A page function for `page.evaluate(…, expected)`: every element matching `texts` shown whole,
    inside its nearest box among `boxes` and inside the screen (no ellipsis, no overflow); and
    which of the expected texts are not shown."""
    return FIT_MEASURE.replace("SELECTOR", json.dumps(texts)).replace("BOXES", json.dumps(", ".join(boxes)))


FIT_MEASURE = """(texts) => {
  const selector = SELECTOR.join(",");
  const boxes = BOXES;
  const stage = document.querySelector("[data-stage]").getBoundingClientRect();
  const shown = (node) => {
    for (let at = node; at && at !== document.body; at = at.parentElement) {
      const style = getComputedStyle(at);
      if (at.hidden || style.display === "none" || style.visibility === "hidden" || style.opacity === "0") return false;
    }
    return node.getClientRects().length > 0;
  };
  const inside = (inner, outer) => inner.left >= outer.left - 1 && inner.right <= outer.right + 1
    && inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
  const problems = [], seen = [];
  for (const node of document.querySelectorAll(selector)) {
    if (!shown(node) || !node.textContent.trim()) continue;
    const style = getComputedStyle(node);
    const name = `${node.className}: ${node.textContent.slice(0, 30)}`;
    seen.push(node.textContent);
    if (style.textOverflow === "ellipsis" || style.webkitLineClamp !== "none") problems.push(`cut by CSS: ${name}`);
    if (style.display !== "inline" && (node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1)) {
      problems.push(`overflows itself: ${name} ${node.scrollWidth}x${node.scrollHeight} in ${node.clientWidth}x${node.clientHeight}`);
    }
    const rect = node.getBoundingClientRect();
    const box = node.parentElement.closest(boxes);
    if (box && !inside(rect, box.getBoundingClientRect())) problems.push(`outside its box: ${name}`);
    if (!inside(rect, stage)) problems.push(`outside the screen: ${name}`);
    if (node.textContent.includes("…")) problems.push(`ellipsis: ${name}`);
  }
  for (const box of document.querySelectorAll(boxes)) {
    if (shown(box) && (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1)) {
      problems.push(`box overflows: ${box.className} ${box.scrollWidth}x${box.scrollHeight} > ${box.clientWidth}x${box.clientHeight}`);
    }
  }
  const missing = texts.filter((text) => !seen.some((shownText) => shownText.includes(text)));
  return { problems, missing, count: seen.length };
}"""


# Every text box the display may show, and the boxes they must stay inside.
MEASURE = fit_measure(
    [
        ".episode-title", ".neutral-episode span", ".featured-title", ".featured-summary", ".fact dd", ".chip",
        ".idle-title", ".next-ref", ".next-title", ".promise-who", ".promise-content", ".promise-deadline",
        ".lt-kicker", ".lt-headline", ".roll-department", ".roll-official", ".roll-content", ".fu-title",
        ".fu-department", ".fu-official", ".fu-content", ".fu-badge", ".timer-title", ".timer-clock",
        ".frame-topic", ".frame-program", ".masthead-program"],
    [".panel", ".lower-third", ".lt-band", ".frame", ".timer", ".masthead", ".neutral", ".fu-row", ".roll-item", ".promise"])


@pytest.fixture(params=["zh", "en"])
def long_show(request, api, make):
    """A live show whose texts are all as long as they get: on air, on standby, a commitment strap."""
    lang, text = request.param, TEXTS[request.param]
    producer = api.as_role("producer")
    lead = make.department("ZJJ", "市住房和城乡建设局" if lang == "zh" else "Municipal Housing Bureau")
    county = make.department("FX", "房县人民政府" if lang == "zh" else "Fang County Government")
    episode = producer.post("/api/v1/episodes", json={"title": text["episode"], "air_date": "2026-12-04",
                                                      "number": 45}).get_json()
    items, cases = [], []
    for _ in range(3):
        case = make.case(text["title"], departments=[lead, county], location=text["title"][:20], summary=text["summary"])
        cases.append(case)
        items.append(producer.post(f"/api/v1/episodes/{episode['id']}/rundown",
                                   json={"case_id": case.id, "planned_seconds": 480}).get_json()["id"])
    act = lambda path, body=None: producer.post(f"/api/v1/episodes/{episode['id']}/{path}", json=body or {})  # noqa: E731
    assert act("start").status_code == 200
    assert act(f"rundown/{items[0]}/take").status_code == 200
    assert act(f"rundown/{items[1]}/standby").status_code == 200
    ids = []
    for _ in range(3):
        response = producer.post("/api/v1/commitments", json={
            "episode_id": episode["id"], "case_id": cases[0].id, "department_code": "ZJJ",
            "official_name": text["official"], "official_title": text["official_title"],
            "content": text["commitment"], "deadline": "2027-01-31", "quote": text["quote"]})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    assert act("graphic", {"kind": "commitment", "id": ids[0]}).status_code == 200
    block = act("rundown/followup", {"commitment_ids": ids, "title": text["block"]})
    assert block.status_code in (200, 201), block.get_json()
    return lang, text, episode["id"], act, block.get_json()["id"]


LAYOUTS = ["layout=board", "layout=lower-third", "layout=commitments", "layout=poll", "layout=timer",
           "mode=preview", "layout=lower-third&transparent=1"]


def test_long_texts_fit_every_layout(page, long_show):
    lang, text, episode_id, act, block = long_show
    expected = {"layout=board": [text["title"], text["summary"], text["commitment"], text["official_title"]],
                "layout=lower-third": [text["commitment"]], "layout=commitments": [text["commitment"]],
                "layout=poll": [], "layout=timer": [text["title"]], "mode=preview": [text["title"]],
                "layout=lower-third&transparent=1": [text["commitment"]]}
    for query in LAYOUTS:
        open_display(page, episode_id, f"{query}&lang={lang}", FULL_HD)
        page.wait_for_timeout(800)  # entrances settled
        result = page.evaluate(MEASURE, expected[query] + ([text["episode"]] if "transparent" not in query
                                                              and "lower-third" not in query else []))
        assert result["problems"] == [], (query, lang, result["problems"])
        assert result["missing"] == [], (query, lang, result["missing"])
        snap(page, f"fit-{lang}-{query.replace('=', '-').replace('&', '-')}", transparent="transparent" in query)
    # The follow-up board, with its long heading and promises.
    assert act(f"rundown/{block}/take").status_code == 200
    open_display(page, episode_id, f"lang={lang}", FULL_HD)
    page.wait_for_timeout(800)
    result = page.evaluate(MEASURE, [text["commitment"]])
    assert result["problems"] == [] and result["missing"] == [], result
    heading = page.locator(".fu-title").text_content()
    assert not heading.startswith(("回头看", "Follow-up")), heading  # the tag says it once
    snap(page, f"fit-{lang}-followup")


# ---- the vote: the longest public title a case may have (200 characters) ----

LONGEST_TITLE = ("幸福路断头路十年未打通居民每天绕行三公里上学就医极不方便多次反映至今没有任何明确答复" * 5)[:200]
LONGEST_TITLE_EN = ("Xingfu Road dead end still not opened after ten years, residents detour three kilometres "
                    "daily to school and hospital ") * 2
POLL_MEASURE = fit_measure(
    [
        ".poll-title", ".poll-summary", ".poll-ref", ".chip", ".poll-question", ".poll-scan-label", ".poll-timer",
        ".poll-result-label", ".poll-bar-label", ".poll-bar-pct", ".poll-total", ".tag-live"],
    [".panel", ".poll-case-body", ".poll-side", ".poll-bar", ".poll-layout"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_longest_public_title_fits_the_vote_as_board_and_as_lower_third(page, api, make, lang):
    title = LONGEST_TITLE if lang == "zh" else LONGEST_TITLE_EN[:200]
    assert len(title) == 200
    producer = api.as_role("producer")
    lead = make.department("ZJJ", "市住房和城乡建设局")
    episode = producer.post("/api/v1/episodes", json={"title": TEXTS[lang]["episode"], "air_date": "2026-12-04",
                                                      "number": 45}).get_json()
    items = []
    for _ in range(2):
        case = make.case(title, departments=[lead, make.department()], public_title=title,
                         public_summary=TEXTS[lang]["summary"])
        items.append(producer.post(f"/api/v1/episodes/{episode['id']}/rundown",
                                   json={"case_id": case.id}).get_json()["id"])
    act = lambda path, body=None: producer.post(f"/api/v1/episodes/{episode['id']}/{path}", json=body or {})  # noqa: E731
    assert act("start").status_code == 200 and act(f"rundown/{items[0]}/take").status_code == 200
    poll = act("polls", {"timer": True}).get_json()
    for choice in ("unsatisfied", "unsatisfied", "unsatisfied"):  # "100%": the widest figure
        api.app.test_client().post(f"/api/v1/polls/{poll['id']}/ballots", json={"choice": choice})
    stages = [("open", None), ("closed", f"/api/v1/polls/{poll['id']}/close"),
              ("moved-on", f"/api/v1/episodes/{episode['id']}/rundown/{items[1]}/take")]
    for stage, action in stages:
        if action:
            assert producer.post(action, json={}).status_code == 200
        for query in ("layout=poll", "layout=poll&transparent=1"):
            open_display(page, episode["id"], f"{query}&lang={lang}", FULL_HD)
            page.wait_for_timeout(900)  # entrances and fitting settled
            result = page.evaluate(POLL_MEASURE, [title])
            assert result["problems"] == [], (stage, query, lang, result["problems"])
            assert result["missing"] == [], (stage, query, lang, result["missing"])
            snap(page, f"fit-poll-{lang}-{stage}-{query.replace('=', '-').replace('&', '-')}",
                 transparent="transparent" in query)
