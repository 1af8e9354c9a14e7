"""Promises without a deliverable: "立即调查", "马上整改", "尽快解决" and the like.

A commitment is flagged for the supervisor when what was promised is only an intention to act
(investigate, rectify, solve, coordinate, study) and names nothing that can be checked: no
number (a quantity, a date, a length of road), and no concrete thing to be delivered. The flag
does not refuse anything — officials say what they say on air — it tells the oversight desk
which wordings to pin down with the department.
"""
from __future__ import annotations

import re

# Intentions with no deliverable of their own.
VAGUE_VERBS = (
    "调查", "核查", "核实", "了解", "研究", "整改", "解决", "处理", "协调", "落实", "推进", "跟进",
    "督促", "重视", "关注", "改进", "完善", "加强", "排查", "摸排", "沟通", "答复", "回复",
    "investigate", "look into", "rectify", "resolve", "solve", "handle", "address", "coordinate",
    "follow up", "study", "improve",
)
# Words that only say "soon" or "seriously".
HEDGES = (
    "立即", "马上", "尽快", "抓紧", "及时", "认真", "积极", "尽早", "立刻", "第一时间", "高度", "全力", "切实",
    "immediately", "as soon as possible", "asap", "quickly", "seriously", "promptly",
)
# Anything countable or dated makes the promise checkable.
CONCRETE = re.compile(r"\d|[一二三四五六七八九十百千万两]+(?:天|日|周|月|年|处|台|辆|条|米|公里|户|次|项|盏|座|块|栋)")
# Deliverables that can be seen or counted, even without a number.
DELIVERABLES = (
    "修复", "更换", "安装", "加装", "增设", "新建", "设置", "配备", "拆除", "铺设", "修缮", "硬化",
    "疏通", "清运", "退还", "退款", "补发", "发放",
    "开通", "恢复", "搬迁", "关停", "封堵", "移除", "重建", "建成", "竣工", "通车", "通水", "通电", "公示", "公开",
    "repair", "replace", "install", "remove", "refund", "reopen", "rebuild", "publish",
)
TOO_SHORT = 8   # characters: "立即整改" says nothing more than that it will be looked at


def vague_reason(content: str) -> str:
    """The words that make the promise vague ("立即、调查"), or "" when it names a deliverable
    (or says enough to be checked). Pages phrase the flag around these words."""
    text = content.strip().lower()
    if not text:
        return ""
    if CONCRETE.search(text) or any(word in text for word in DELIVERABLES):
        return ""
    hedges = [word for word in HEDGES if word in text]
    verbs = [word for word in VAGUE_VERBS if word in text]
    if not verbs and len(text) >= TOO_SHORT:
        return ""
    return "、".join(dict.fromkeys(hedges + verbs)) or text
