"""The public list of commitments: what its query string asks for, and the page it answers.

A value the list cannot use (an unknown department code, a date that is not one) is dropped
rather than refused: a citizen who edits a shared link gets the wider list, not an error page.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select, true
from werkzeug.datastructures import MultiDict

from ..bounds import INTEGER_MAX, INTEGER_MIN
from ..commitments import queries, rules
from ..commitments.schemas import STATUSES
from ..extensions import db
from ..models import Commitment, Department, Episode

PER_PAGE = 20
MAX_PAGE = 10_000
# The list's orders; the first is the default (the one every staff list uses).
SORTS = {
    "urgency": _l("Most urgent first"),
    "deadline": _l("Deadline, soonest first"),
    "-deadline": _l("Deadline, latest first"),
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
}
ORDERS = {
    "urgency": None,
    "deadline": (Commitment.deadline, Commitment.id),
    "-deadline": (Commitment.deadline.desc(), Commitment.id.desc()),
    "newest": (Commitment.created_at.desc(), Commitment.id.desc()),
    "oldest": (Commitment.created_at, Commitment.id),
}


@dataclass(frozen=True)
class PublicQuery:
    """The filters, order and page of `/commitments`; `None` means "any"."""

    department: str | None = None
    episode: int | None = None
    status: str | None = None
    overdue: bool | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None
    sort: str = "urgency"
    page: int = 1

    def args(self, **changes: Any) -> dict[str, str]:
        """The query string's values (without the defaults), for links that keep the filters."""
        values = asdict(replace(self, **changes))
        args = {name: _text(value) for name, value in values.items() if value not in (None, "", False)}
        if args.get("sort") == "urgency":
            del args["sort"]
        if args.get("page") == "1":
            del args["page"]
        return args

    @property
    def filtered(self) -> bool:
        return bool(set(self.args()) - {"sort", "page"})

    @property
    def narrowed(self) -> int:
        """How many filters beyond the text search are set, the order included."""
        return len(set(self.args()) - {"q", "page"})


def _text(value: object) -> str:
    if value is True:
        return "1"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse(args: MultiDict) -> PublicQuery:
    """The query string read leniently: what is not usable is left out."""
    return PublicQuery(
        department=_known_department(args.get("department", "").strip()),
        episode=_known_episode(_integer(args.get("episode"))),
        status=args.get("status") if args.get("status") in STATUSES else None,
        overdue=True if args.get("overdue") in ("1", "true", "on") else None,
        since=_day(args.get("since")), until=_day(args.get("until")),
        q=(args.get("q") or "").strip()[:100] or None,
        sort=args.get("sort", "urgency") if args.get("sort") in SORTS else "urgency",
        page=min(max(_integer(args.get("page")) or 1, 1), MAX_PAGE),
    )


def _integer(value: str | None) -> int | None:
    """A number the database can compare with (an id past its INTEGER is no id at all), or None."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and INTEGER_MIN <= number <= INTEGER_MAX else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _known_department(code: str) -> str | None:
    if not code or len(code) > 32:
        return None
    return code if db.session.scalar(select(Department.id).where(Department.code == code)) else None


def _known_episode(episode_id: int | None) -> int | None:
    if episode_id is None or db.session.get(Episode, episode_id) is None:
        return None
    return episode_id


def made_within(since: date | None, until: date | None):
    """Commitments made on air between these Asia/Shanghai days, both included."""
    conditions: list[ColumnElement[bool]] = [true()]
    if since:
        conditions.append(Commitment.created_at >= datetime.combine(since, time.min, rules.SHANGHAI))
    if until:
        conditions.append(Commitment.created_at < datetime.combine(until + timedelta(days=1), time.min,
                                                                   rules.SHANGHAI))
    return and_(*conditions)


def commitments_page(wanted: PublicQuery, per_page: int = PER_PAGE) -> tuple[list[Commitment], int, int]:
    """One page of the matching commitments, how many match, and the page it is (a page past
    the last one answers the last)."""
    narrowed = queries.CommitmentFilter(department=wanted.department, status=wanted.status, overdue=wanted.overdue,
                                        episode=wanted.episode, text=wanted.q, public=True)
    scope, order = made_within(wanted.since, wanted.until), ORDERS[wanted.sort]
    items, total = queries.list_matching(scope, narrowed, wanted.page, per_page, order)
    last = max((total + per_page - 1) // per_page, 1)
    if not items and wanted.page > last:
        items, total = queries.list_matching(scope, narrowed, last, per_page, order)
        return items, total, last
    return items, total, wanted.page
