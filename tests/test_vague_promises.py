"""Vague promises: a commitment that names nothing checkable is flagged for the supervisor."""
from __future__ import annotations

import pytest

from tracker.commitments.vague import vague_reason


@pytest.mark.parametrize("content", [
    "立即调查", "马上整改", "尽快解决", "尽快解决小区停水问题", "我们会高度重视，认真研究，尽快给群众一个答复",
    "抓紧协调处理", "We will look into it immediately",
])
def test_an_intention_without_a_deliverable_is_vague(content):
    assert vague_reason(content)


@pytest.mark.parametrize("content", [
    "12月15日前修复路灯并恢复照明", "两周内疏通下水道", "对该路段进行全面排查，年底前完成3处破损路面修补",
    "加装隔音屏障", "月底前退还多收的物业费", "Repair the lift by Friday", "",
])
def test_a_checkable_promise_is_not_flagged(content):
    assert vague_reason(content) == ""


def test_the_reason_names_the_words_that_make_it_vague():
    assert vague_reason("高度重视，立即调查") == "立即、高度、调查、重视"


@pytest.mark.parametrize("content, vague", [("立即调查，尽快解决", True), ("月底前完成整改并公示结果", False)])
def test_recording_a_commitment_flags_it_in_the_api(api, make, content, vague):
    department = make.department("ZJJ", "市住建局")
    case, episode = make.case(departments=[department]), make.episode()
    producer = api.as_role("producer")
    response = producer.post("/api/v1/commitments", json={
        "episode_id": episode.id, "case_id": case.id, "department_code": "ZJJ", "official_name": "李建国",
        "official_title": "局长", "content": content, "deadline": "2027-01-31"})
    assert response.status_code == 201
    body = api.as_role("supervisor").get(f"/api/v1/commitments/{response.get_json()['id']}").get_json()
    assert body["vague"] is vague
    assert ("立即" in body["vague_reason"]) is vague
