"""Open311 GeoReport v2, read-only: the cases that have been on air, as service requests.

Decisions (see also README.md, "Open data"):

- A case "has been on air" when its status is `aired`, a rundown item of it was taken on air
  (`started_at` set), or a commitment was recorded for it. Cases still in the pool never appear.
- `service_request_id` is the case's reference number (SY-2026-0042); a request for a plain
  number is taken as the case's id, so the ids of the public JSON API work too.
- One service per case category. Its code is stable and URL-safe: "c" + the first 10 hex
  digits of the SHA-256 of the category; cases without a category are `uncategorised`.
- `status` is `closed` once the case has commitments and every one is `verified` or
  `closed_unfulfilled`; `open` otherwise — a case on air with no commitment yet is open.
- `requested_datetime` is when the case was registered; `updated_datetime` the latest of its
  own change and its commitments' public timeline events; `expected_datetime` the end (Asia/
  Shanghai) of the latest deadline in force among its open commitments.
- Without `service_request_id` and dates, the window is the last 90 days of
  `requested_datetime`; at most 1000 requests are answered, newest first.
- `status_notes` counts the commitments by status — a verification the citizen did not accept
  counts apart, as "verified – caller not satisfied", never as a plain "verified" — says how many
  followers' disputes wait for an answer, and ends with the latest public reason given.
- Nothing private: no complainant, no notes, no staff; `media_url` is released evidence only.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, not_, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from ..commitments import rules
from ..commitments.present import STATUS_LABELS, VERIFIED_UNSATISFIED_LABEL
from ..extensions import db
from ..models import (
    Attachment,
    Case,
    CaseDepartment,
    CaseStatus,
    Commitment,
    CommitmentEvent,
    CommitmentStatus,
    Dispute,
    DisputeStatus,
    RundownItem,
    Satisfaction,
    utcnow,
)
from ..public.schemas import PUBLIC_ACTIONS

MAX_REQUESTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
UNCATEGORISED = "uncategorised"
STATUSES = ("open", "closed")
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url")


class Open311Error(Exception):
    """An answer in the Open311 error format: `[{"code", "description"}]`."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


@dataclass(frozen=True)
class RequestQuery:
    """The standard filters of `GET requests`; ids, when given, override all the others."""

    ids: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


@dataclass
class CaseFacts:
    """What a case's commitments say about it, gathered for many cases in a few queries."""

    counts: Counter = field(default_factory=Counter)
    open_deadline: date | None = None
    last_public_event: datetime | None = None
    media_id: int | None = None
    unsatisfied: int = 0          # verified, the citizen not satisfied (also counted as verified)
    open_disputes: int = 0
    public_reason: str = ""       # the latest public reason among its commitments' public events


def parse_query(args: MultiDict[str, str]) -> RequestQuery:
    """The standard filters from a query string; Open311Error 400 on a malformed one."""
    ids = _listed(args, "service_request_id")
    if len(ids) > MAX_REQUESTS:
        raise Open311Error(400, _("At most %(count)d service_request_id values.", count=MAX_REQUESTS))
    statuses = _listed(args, "status")
    wrong = [s for s in statuses if s not in STATUSES]
    if wrong:
        raise Open311Error(400, _("status must be open or closed, not %(value)s.", value=wrong[0]))
    start, end = _moment(args, "start_date", end_of_day=False), _moment(args, "end_date", end_of_day=True)
    if start and end and start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    return RequestQuery(ids=ids, codes=_listed(args, "service_code"), start=start, end=end, statuses=statuses)


def _listed(args: MultiDict[str, str], name: str) -> tuple[str, ...]:
    if name not in args:
        return ()
    values = tuple(v.strip() for v in ",".join(args.getlist(name)).split(",") if v.strip())
    if not values:
        raise Open311Error(400, _("%(name)s is empty.", name=name))
    return values


def _moment(args: MultiDict[str, str], name: str, *, end_of_day: bool) -> datetime | None:
    """A W3C date-time; without an offset it is Beijing time; a bare date covers its whole day."""
    if name not in args:
        return None
    # An unencoded "+08:00" arrives as " 08:00"; many clients send it so.
    value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", args.get(name, "").strip())
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(400, _("%(name)s is not an ISO 8601 date and time: %(value)s.",
                                  name=name, value=value[:40])) from None
    if end_of_day and len(value) == 10:
        moment = datetime.combine(moment.date(), time.max)
    return moment if moment.tzinfo else moment.replace(tzinfo=rules.SHANGHAI)


def service_code(category: str) -> str:
    category = category.strip()
    if not category:
        return UNCATEGORISED
    return "c" + hashlib.sha256(category.encode("utf-8")).hexdigest()[:10]


def on_air():
    """The SQL condition: this case has been on air (see the module's docstring)."""
    taken = select(RundownItem.id).where(RundownItem.case_id == Case.id, RundownItem.started_at.is_not(None))
    committed = select(Commitment.id).where(Commitment.case_id == Case.id)
    return or_(Case.status == CaseStatus.AIRED, taken.exists(), committed.exists())


def closed():
    """The SQL condition: every one of the case's commitments, and there is one, is closed."""
    any_commitment = select(Commitment.id).where(Commitment.case_id == Case.id)
    open_commitment = any_commitment.where(Commitment.status.not_in(rules.CLOSED))
    return and_(any_commitment.exists(), not_(open_commitment.exists()))


def services() -> list[dict]:
    """One service per category of the cases that have been on air, by name."""
    by_code: dict[str, str] = {}
    for category in _categories_on_air():
        by_code.setdefault(service_code(category), category.strip())
    group = _("Friday Face-to-Face")
    return [{"service_code": code, "service_name": name or _("Uncategorised"),
             "description": _("Citizens' complaints about %(category)s put to the responsible departments on air.",
                              category=name or _("Uncategorised")),
             "metadata": False, "type": "batch", "keywords": "", "group": group}
            for code, name in sorted(by_code.items(), key=lambda pair: (pair[1], pair[0]))]


def find_requests(query: RequestQuery, site: str) -> list[dict]:
    """The requests matching the standard filters, newest first, at most MAX_REQUESTS."""
    statement = select(Case).where(on_air())
    if query.ids:
        numbers = [int(i) for i in query.ids if i.isascii() and i.isdigit() and int(i) < 2**31]
        statement = statement.where(or_(Case.ref.in_(query.ids), Case.id.in_(numbers)))
    else:
        filtered = _filtered(statement, query)
        if filtered is None:
            return []
        statement = filtered
    statement = (statement.options(selectinload(Case.department_links).selectinload(CaseDepartment.department))
                 .order_by(Case.created_at.desc(), Case.id.desc()).limit(MAX_REQUESTS))
    return present(list(db.session.scalars(statement)), site)


def get_request(request_id: str, site: str) -> list[dict]:
    """The one request with this id, as a one-item list; Open311Error 404 if there is none."""
    found = find_requests(RequestQuery(ids=(request_id,)), site)
    if not found:
        raise Open311Error(404, _("No service request with this id."))
    return found[:1]


def present(cases: list[Case], site: str) -> list[dict]:
    facts = _facts([case.id for case in cases])
    return [_request(case, facts.get(case.id, CaseFacts()), site) for case in cases]


def _filtered(statement: Select[Any], query: RequestQuery) -> Select[Any] | None:
    """The statement narrowed by codes, dates and statuses; None when no service code exists."""
    if query.codes:
        categories = [c for c in _categories_on_air() if service_code(c) in query.codes]
        if not categories:
            return None
        statement = statement.where(Case.category.in_(categories))
    start = query.start
    if start is None:
        start = (utcnow() if query.end is None else query.end) - DEFAULT_WINDOW
    statement = statement.where(Case.created_at >= start)
    if query.end is not None:
        statement = statement.where(Case.created_at <= query.end)
    if set(query.statuses) == {"closed"}:
        statement = statement.where(closed())
    elif set(query.statuses) == {"open"}:
        statement = statement.where(not_(closed()))
    return statement


def _categories_on_air() -> list[str]:
    return list(db.session.scalars(select(Case.category).where(on_air()).distinct()))


def _facts(case_ids: list[int]) -> dict[int, CaseFacts]:
    facts: dict[int, CaseFacts] = {case_id: CaseFacts() for case_id in case_ids}
    if not case_ids:
        return facts
    mine = Commitment.case_id.in_(case_ids)
    counts = select(Commitment.case_id, Commitment.status, func.count()).where(mine) \
        .group_by(Commitment.case_id, Commitment.status)
    for case_id, status, count in db.session.execute(counts):
        facts[case_id].counts[CommitmentStatus(status)] = count
    deadlines = select(Commitment.case_id, func.max(Commitment.deadline)) \
        .where(mine, Commitment.status.not_in(rules.CLOSED)).group_by(Commitment.case_id)
    for case_id, deadline in db.session.execute(deadlines):
        facts[case_id].open_deadline = deadline
    events = select(Commitment.case_id, func.max(CommitmentEvent.at)).join(CommitmentEvent.commitment) \
        .where(mine, CommitmentEvent.action.in_(PUBLIC_ACTIONS)).group_by(Commitment.case_id)
    for case_id, moment in db.session.execute(events):
        facts[case_id].last_public_event = moment
    media = select(Commitment.case_id, func.max(Attachment.id)).join(Attachment.commitment) \
        .where(mine, Attachment.public.is_(True), Attachment.content_type.like("image/%")).group_by(Commitment.case_id)
    for case_id, attachment_id in db.session.execute(media):
        facts[case_id].media_id = attachment_id
    _voice_facts(facts, mine)
    return facts


def _voice_facts(facts: dict[int, CaseFacts], mine) -> None:  # noqa: ANN001 - a SQL condition
    """Unsatisfied verifications, open disputes and the latest public reason, per case."""
    unsatisfied = select(Commitment.case_id, func.count()).where(
        mine, Commitment.status == CommitmentStatus.VERIFIED, Commitment.satisfaction == Satisfaction.UNSATISFIED) \
        .group_by(Commitment.case_id)
    for case_id, count in db.session.execute(unsatisfied):
        facts[case_id].unsatisfied = count
    disputes = select(Commitment.case_id, func.count()).join(Dispute, Dispute.commitment_id == Commitment.id) \
        .where(mine, Dispute.status == DisputeStatus.OPEN).group_by(Commitment.case_id)
    for case_id, count in db.session.execute(disputes):
        facts[case_id].open_disputes = count
    reasons = select(Commitment.case_id, CommitmentEvent.public_reason).join(CommitmentEvent.commitment) \
        .where(mine, CommitmentEvent.action.in_(PUBLIC_ACTIONS), CommitmentEvent.public_reason != "") \
        .order_by(CommitmentEvent.id)
    for case_id, reason in db.session.execute(reasons):
        facts[case_id].public_reason = reason   # the newest wins


def _request(case: Case, facts: CaseFacts, site: str) -> dict:
    counts = facts.counts
    is_closed = bool(counts) and all(status in rules.CLOSED for status in counts)
    lead = case.lead_department
    updated = max(m for m in (case.created_at, case.updated_at, facts.last_public_event) if m is not None)
    category = case.category.strip()
    return {
        "service_request_id": case.ref,
        "status": "closed" if is_closed else "open",
        "status_notes": status_notes(counts, facts),
        "service_name": category or _("Uncategorised"),
        "service_code": service_code(category),
        "description": f"{case.public_title} — {case.public_summary}" if case.public_summary else case.public_title,
        "agency_responsible": lead.name if lead else "",
        "service_notice": "",
        "requested_datetime": w3(case.created_at),
        "updated_datetime": w3(updated),
        "expected_datetime": w3(_end_of_day(facts.open_deadline)) if facts.open_deadline else None,
        "address": case.location,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": f"{site}api/v1/public/attachments/{facts.media_id}" if facts.media_id else None,
    }


def status_notes(counts: Counter, facts: CaseFacts | None = None) -> str:
    """A short public sentence: how many commitments, and how many in each state; disputes
    waiting; the latest public reason. Never a note."""
    facts = facts or CaseFacts()
    total = sum(counts.values())
    if not total:
        return _("Put on air; no commitment recorded yet.")
    separator = ", " if str(get_locale()) == "en" else "，"
    shown = Counter(counts)
    shown[CommitmentStatus.VERIFIED] -= facts.unsatisfied
    parts = [f"{label} {shown[status]}" for status, label in STATUS_LABELS.items() if shown[status] > 0]
    if facts.unsatisfied:
        parts.append(f"{VERIFIED_UNSATISFIED_LABEL} {facts.unsatisfied}")
    notes = _("Commitments: %(total)d (%(parts)s)", total=total, parts=separator.join(parts))
    if facts.open_disputes:
        notes += " " + _("Followers say not resolved, waiting for an answer: %(count)d.", count=facts.open_disputes)
    if facts.public_reason:
        notes += " " + _("Latest reason: %(reason)s", reason=facts.public_reason)
    return notes


def w3(moment: datetime) -> str:
    """ISO 8601 in the W3C profile, on Beijing time: 2026-12-04T20:15:00+08:00."""
    return moment.astimezone(rules.SHANGHAI).isoformat(timespec="seconds")


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), rules.SHANGHAI)
