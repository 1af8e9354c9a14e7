"""What the columns of a 12345 export mean to us: header names, source words, departments.

Real exports name the same column in different ways (工单编号, 工单号, 受理编号 …); the
names compare trimmed and without regard to spaces or case.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from ..extensions import db
from ..models import Case, CaseSource, Department

DEPARTMENT_SEPARATORS = re.compile(r"[、，,;；\s]+")


def _model_length(name: str) -> int | None:
    return getattr(Case.__table__.columns[name].type, "length", None)


@dataclass(frozen=True)
class ImportField:
    """One of our fields and the header names that 12345 exports use for it."""

    name: str
    label: LazyString
    headers: tuple[str, ...]  # the first is the name PRODUCT.md gives
    required: bool = False

    @property
    def max_length(self) -> int | None:
        return None if self.name in ("departments", "received_at") else _model_length(self.name)


FIELDS = (
    ImportField("work_order_no", _l("Work order number"), ("工单编号", "工单号", "受理编号", "工单编码"), True),
    ImportField("title", _l("Title"), ("标题", "诉求标题", "主题", "工单标题"), True),
    ImportField("summary", _l("Summary"), ("诉求内容", "问题描述", "诉求描述", "内容", "来电内容", "工单内容")),
    ImportField("location", _l("Location"), ("地址", "事发地址", "地点", "事发地点", "诉求地址")),
    ImportField("complainant_name", _l("Complainant"),
                ("诉求人", "来电人", "姓名", "联系人", "诉求人姓名", "来电人姓名")),
    ImportField("complainant_phone", _l("Phone"), ("联系电话", "来电号码", "电话", "手机", "手机号码", "联系方式")),
    ImportField("departments", _l("Responsible departments"),
                ("承办单位", "责任单位", "处置单位", "办理单位", "主办单位"), True),
    ImportField("category", _l("Category"), ("类别", "诉求类别", "问题分类", "分类", "诉求分类")),
    ImportField("source", _l("Source"), ("来源", "诉求来源", "渠道", "来源渠道", "受理渠道")),
    ImportField("received_at", _l("Received at"), ("受理时间", "来电时间", "受理日期", "登记时间", "诉求时间")),
)

SOURCES = {
    **{word: CaseSource.HOTLINE for word in ("12345", "热线", "电话", "12345热线", "市长热线", "政务服务便民热线")},
    **{word: CaseSource.LETTER for word in ("来信", "信件")},
    **{word: CaseSource.UNDERCOVER for word in ("暗访", "记者暗访")},
    **{word: CaseSource.ONLINE for word in ("网络", "网络留言", "网上留言", "微信", "网站")},
    **{word: CaseSource.STUDIO for word in ("现场", "演播室", "现场提问")},
    **{word: CaseSource.OTHER for word in ("其他", "其它")},
    **{source.value: source for source in CaseSource},
}


def _normalise(text: str) -> str:
    """Header names and source words compare without spaces, case or a trailing '*' or colon."""
    return re.sub(r"\s+", "", text).casefold().rstrip("*:：")


HEADER_NAMES = {_normalise(name): f.name for f in FIELDS for name in (*f.headers, f.name)}


def auto_mapping(columns: Iterable[str]) -> dict[str, int | None]:
    """Each of our fields → the index of the first column whose name means it, or None."""
    mapping: dict[str, int | None] = {f.name: None for f in FIELDS}
    for index, column in enumerate(columns):
        name = HEADER_NAMES.get(_normalise(column))
        if name and mapping[name] is None:
            mapping[name] = index
    return mapping


class DepartmentDirectory:
    """Finds the departments a cell names: by exact name, else by code."""

    def __init__(self) -> None:
        departments = list(db.session.scalars(select(Department)))
        self.by_name = {d.name: d for d in departments}
        self.by_code = {d.code.casefold(): d for d in departments}

    def find(self, name: str) -> Department | None:
        return self.by_name.get(name) or self.by_code.get(name.casefold())

    def resolve(self, text: str) -> tuple[list[Department], list[str]]:
        """The departments, lead first, and the reasons the cell cannot be used."""
        whole = self.by_name.get(text)
        names = [whole.name] if whole else [name for name in DEPARTMENT_SEPARATORS.split(text) if name]
        if not names:
            return [], [_("No responsible department.")]
        found: list[Department] = []
        unknown, inactive = [], []
        for name in names:
            department = self.find(name)
            if department is None:
                unknown.append(name)
            elif not department.active:
                inactive.append(name)
            elif department not in found:
                found.append(department)
        reasons = []
        if unknown:
            reasons.append(_("Unknown department: %(names)s", names="、".join(unknown)))
        if inactive:
            reasons.append(_("Department no longer active: %(names)s", names="、".join(inactive)))
        return found, reasons


# 2026-03-05 14:22:31, 2026/3/5 14:22, 2026.3.5, 2026年3月5日14时22分, 2026-03-05T14:22:31.000
RECEIVED_AT = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?")
CHINESE_DATE_PARTS = str.maketrans({"年": "-", "月": "-", "日": " ", "时": ":", "点": ":", "分": ":", "秒": " "})
HOTLINE_TIME_ZONE = ZoneInfo("Asia/Shanghai")  # exports write the local time, without a zone


def received_at_of(text: str) -> datetime:
    """The moment a 受理时间 cell names (Asia/Shanghai local time); `ValueError` if it names none."""
    cleaned = re.sub(r"\s+", " ", text.translate(CHINESE_DATE_PARTS)).strip().rstrip(":").strip()
    match = RECEIVED_AT.fullmatch(cleaned)
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
    # ValueError for 2026-02-30 or 25:00
    return datetime(year, month, day, hour, minute, second, tzinfo=HOTLINE_TIME_ZONE)


def source_of(text: str) -> CaseSource | None:
    """The case source a 来源 cell names; an empty cell means the hotline, None an unknown word."""
    key = _normalise(text)
    return SOURCES.get(key) if key else CaseSource.HOTLINE


def missing_columns(mapping: dict[str, int | None]) -> list[ImportField]:
    return [f for f in FIELDS if f.required and mapping.get(f.name) is None]


