"""Who sees which commitments, and the filtered, most-urgent-first lists of them.

Producers and supervisors see every commitment; a department user sees its own department's
(it leads them: it reports, claims, asks for time) and reads, without acting, those of the
cases it is co-responsible for (配合): another of the case's departments made them. Whatever
the filters ask for, nothing else. Overdue and due soon are judged on the
Asia/Shanghai calendar day, in SQL exactly as `rules.is_overdue` / `rules.is_due_soon` do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Integer, and_, any_, case, false, literal, not_, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import True_

from .. import search
from ..errors import ForbiddenError, InvalidError, NotFoundError
from ..extensions import db
from ..models import (
    Case,
    CaseDepartment,
    Commitment,
    CommitmentStatus,
    Department,
    Episode,
    ExtensionRequest,
    ExtensionStatus,
    Role,
)
from ..paging import one_page
from . import rules

READERS = (Role.PRODUCER, Role.SUPERVISOR, Role.DEPARTMENT)


@dataclass(frozen=True)
class CommitmentFilter:
    """What a list is narrowed to; `None` means "any"."""

    department: str | None = None   # a department code
    status: str | None = None       # one of CommitmentStatus's values
    overdue: bool | None = None
    due_soon: bool | None = None
    episode: int | None = None      # an episode id
    extension_pending: bool | None = None
    vague: bool | None = None       # open, and what was promised names no deliverable
    text: str | None = None         # words, all in what was promised, the official, the department, the case
    public: bool = False            # for the public: `text` is sought in the case's public text only
    responsibility: str | None = None   # for a department user: "lead" (its own) or "co_responsible"
    since: date | None = None       # made on or after this day (Asia/Shanghai)
    until: date | None = None       # made on or before this day (Asia/Shanghai)


LEAD = "lead"
CO_RESPONSIBLE = "co_responsible"
RESPONSIBILITIES = (LEAD, CO_RESPONSIBLE)


def may_see(user: Any, commitment: Commitment) -> bool:
    """May this user act on it as the table allows: every producer and supervisor, and the
    department that made it (never a co-responsible one)."""
    if not getattr(user, "is_authenticated", False) or user.role not in READERS:
        return False
    if user.role is Role.DEPARTMENT:
        return user.department_id is not None and user.department_id == commitment.department_id
    return True


def ensure_visible(user: Any, commitment: Commitment | None) -> Commitment:
    """The commitment if this user may read it; 404 if there is none, 403 if it is not theirs."""
    if commitment is None:
        raise NotFoundError("No such commitment.")
    if not may_see(user, commitment):
        if getattr(user, "role", None) is Role.DEPARTMENT:
            raise ForbiddenError("This commitment belongs to another department.")
        raise ForbiddenError("Your role may not see commitments.")
    return commitment


def get_visible(user: Any, commitment_id: int) -> Commitment:
    return ensure_visible(user, db.session.get(Commitment, commitment_id))


def responsibility(user: Any, commitment: Commitment) -> str | None:
    """`lead` when the user's department made the commitment, `co_responsible` when it is
    another of the case's departments, None otherwise (and for every other role)."""
    if not getattr(user, "is_authenticated", False) or user.role is not Role.DEPARTMENT or not user.department_id:
        return None
    if commitment.department_id == user.department_id:
        return LEAD
    if user.department_id in {link.department_id for link in commitment.case.department_links}:
        return CO_RESPONSIBLE
    return None


def ensure_readable(user: Any, commitment: Commitment | None) -> Commitment:
    """As `ensure_visible`, and a co-responsible department may read it too (never act on it)."""
    if commitment is not None and responsibility(user, commitment) == CO_RESPONSIBLE:
        return commitment
    return ensure_visible(user, commitment)


def get_readable(user: Any, commitment_id: int) -> Commitment:
    return ensure_readable(user, db.session.get(Commitment, commitment_id))


def get_public(commitment_id: int) -> Commitment:
    """Any commitment, for the public tracker (which shows only its public parts)."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFoundError("No such commitment.")
    return commitment


def is_open():
    return Commitment.status.not_in(rules.CLOSED)


def overdue_condition(day: date):
    return and_(is_open(), Commitment.deadline < day)


def due_soon_condition(day: date):
    return and_(is_open(), Commitment.deadline >= day, Commitment.deadline <= rules.due_soon_until(day))


def list_commitments(user: Any, wanted: CommitmentFilter, page: int = 1,
                     per_page: int = 50) -> tuple[list[Commitment], int]:
    """One page of the commitments this user may see that match; overdue first, then by
    deadline, then by id; and how many match in all (with search words, at most
    `search.COUNT_CAP`: the total is a `search.Total`)."""
    return list_matching(_scope(user, wanted.responsibility), wanted, page, per_page)


def list_matching(scope: Any, wanted: CommitmentFilter, page: int = 1,
                  per_page: int = 50, order: tuple | None = None) -> tuple[list[Commitment], int]:
    """`list_commitments` within `scope` (a SQL condition); the public tracker's scope is
    every commitment. `order` (SQL order clauses) replaces the most-urgent-first order."""
    day = rules.today()
    options = (selectinload(Commitment.department),
               selectinload(Commitment.case).selectinload(Case.department_links),
               selectinload(Commitment.episode), selectinload(Commitment.extension_requests))
    query = None
    if search.words(wanted.text) and db.session.get_bind().dialect.name == "postgresql":
        # Few matches: the matching ids, looked up through the words' indexes, narrow the list
        # by its key. Many: read the list in its order and check each row (bench/README.md).
        # A plain read of the first documents tells which: a word in most of them (more than
        # the cap) is not looked up in the index at all (小区's posting list alone takes ~10 ms);
        # a word too rare for the walk to fill the page within its budget (a department's name,
        # 1.7 %) is probed up to WIDE_PROBE matches, which then narrow the list by its key.
        matched, read = search.sample(wanted.text, public=wanted.public)
        walk = order is None and page * per_page * read <= matched * ORDERED_BUDGET
        limit = search.COUNT_CAP if walk else WIDE_PROBE
        ids = search.probe(wanted.text, public=wanted.public, limit=limit) if matched <= search.COUNT_CAP else None
        if ids is not None and len(ids) <= limit:
            known = Commitment.id == any_(literal(ids, ARRAY(Integer)))
            query = select(Commitment).where(scope, *_conditions(wanted, day), known)
        elif walk:
            first = page * per_page * read * 3 // (2 * max(matched, 1)) + per_page
            found = _common_page(scope, wanted, day, page, per_page, options, first)
            if found is not None:
                return found
    if query is None:
        query = _matching(scope, wanted, day)
    total = search.count(query, wanted.text)
    urgency = case((overdue_condition(day), 0), else_=1)
    query = query.options(*options).order_by(*(order or (urgency, Commitment.deadline, Commitment.id)))
    return one_page(query, page, per_page, total=total)


# How many commitments, in the list's order, a search for common words reads before it gives up
# and lets the words' index find the matches (bench/README.md, "Search").
ORDERED_BUDGET = 1000
# How many matches a search too rare for that walk looks up by their ids (sorted for the page).
WIDE_PROBE = 5000


def _common_page(scope: Any, wanted: CommitmentFilter, day: date, page: int, per_page: int,
                 options: tuple, first: int) -> tuple[list[Commitment], int] | None:
    """`list_matching` for words in more than `search.COUNT_CAP` documents (PostgreSQL): the
    commitments are read in the list's order (overdue ones by deadline, then the others, both
    along the deadline index), each checked against its document, until the page is full.
    None when the first ORDERED_BUDGET of either part do not fill it: the caller then asks the
    index. Sorting 60,000 matches to show 20 costs more than reading 32 rows in order. Each
    part is read `first` rows at a time (what the words' density says the page needs), then
    up to the budget."""
    conditions = _conditions(wanted, day)
    base = select(Commitment.id).where(scope, *conditions)
    matches = search.row_matches(Commitment.id, wanted.text, public=wanted.public)
    if not conditions and _everything(scope):
        # The probe found more than the cap among all commitments: so does the list.
        total = search.Total(search.COUNT_CAP)
        total.capped = True
    else:
        total = search.count(base.where(matches), wanted.text)
    need = page * per_page
    found: list[int] = []
    for part in (overdue_condition(day), not_(overdue_condition(day))):
        read, chunk = 0, min(first, ORDERED_BUDGET)
        while chunk > 0:
            candidates = (base.where(part).order_by(Commitment.deadline, Commitment.id)
                          .offset(read).limit(chunk).subquery())
            rows = db.session.execute(select(candidates.c.id, search.row_matches(
                candidates.c.id, wanted.text, public=wanted.public))).all()
            found += [row_id for row_id, matched in rows if matched]
            read += len(rows)
            if len(found) >= need or len(rows) < chunk:
                break
            chunk = ORDERED_BUDGET - read
        if len(found) >= need:
            break
        if read >= ORDERED_BUDGET:
            return None
    ids = found[(page - 1) * per_page:need]
    loaded = {c.id: c for c in db.session.scalars(select(Commitment).where(Commitment.id.in_(ids)).options(*options))}
    return [loaded[i] for i in ids], total


def ordered_matching(scope: Any, wanted: CommitmentFilter):
    """Every match within `scope`, most urgent first as in `list_matching`, unpaged: a SELECT
    for callers that stream the rows (the CSV and XLSX exports)."""
    day = rules.today()
    urgency = case((overdue_condition(day), 0), else_=1)
    return (_matching(scope, wanted, day)
            .options(selectinload(Commitment.department), selectinload(Commitment.case),
                     selectinload(Commitment.episode))
            .order_by(urgency, Commitment.deadline, Commitment.id))


def _matching(scope: Any, wanted: CommitmentFilter, day: date):
    # The public searches what it can read: a search for a phone number in the hotline text
    # must not tell it which case holds it.
    query = select(Commitment).where(scope, *_conditions(wanted, day))
    return search.only_matching(query, Commitment.id, wanted.text, public=wanted.public)


def _conditions(wanted: CommitmentFilter, day: date) -> list:
    conditions = []
    if wanted.department:
        conditions.append(Commitment.department_id == _department_id(wanted.department))
    if wanted.status:
        conditions.append(Commitment.status == CommitmentStatus(wanted.status))
    if wanted.episode is not None:
        if db.session.get(Episode, wanted.episode) is None:
            raise InvalidError("No such episode.", fields={"episode": [f"Unknown episode: {wanted.episode}"]})
        conditions.append(Commitment.episode_id == wanted.episode)
    if wanted.overdue is not None:
        overdue = overdue_condition(day)
        conditions.append(overdue if wanted.overdue else not_(overdue))
    if wanted.due_soon is not None:
        due_soon = due_soon_condition(day)
        conditions.append(due_soon if wanted.due_soon else not_(due_soon))
    if wanted.vague is not None:
        vague = and_(is_open(), Commitment.vague_reason != "")
        conditions.append(vague if wanted.vague else not_(vague))
    if wanted.since:
        conditions.append(Commitment.created_at >= datetime.combine(wanted.since, time.min, rules.SHANGHAI))
    if wanted.until:
        conditions.append(Commitment.created_at <= datetime.combine(wanted.until, time.max, rules.SHANGHAI))
    if wanted.extension_pending is not None:
        waiting = Commitment.extension_requests.any(ExtensionRequest.status == ExtensionStatus.PENDING)
        conditions.append(waiting if wanted.extension_pending else not_(waiting))
    return conditions


def co_responsible_condition(department_id: int):
    """Commitments another department made for a case this department is responsible for too."""
    cases = select(CaseDepartment.case_id).where(CaseDepartment.department_id == department_id)
    return and_(Commitment.department_id != department_id, Commitment.case_id.in_(cases))


def _everything(scope: Any) -> bool:
    """Whether `scope` is every commitment (the public's and the staff's)."""
    return isinstance(scope, True_) or scope.compare(Commitment.id.is_not(None))


def _scope(user: Any, responsibility: str | None = None):
    """What this user may see at all; the filters only narrow it. For a department user,
    `responsibility` keeps its own (`lead`) or those it is co-responsible for."""
    if user.role is Role.DEPARTMENT and user.department_id:
        own = Commitment.department_id == user.department_id
        co = co_responsible_condition(user.department_id)
        if responsibility == LEAD:
            return own
        if responsibility == CO_RESPONSIBLE:
            return co
        return or_(own, co)
    if user.role in (Role.PRODUCER, Role.SUPERVISOR):
        return Commitment.id.is_not(None)
    return false()


def _department_id(code: str) -> int:
    department_id = db.session.scalar(select(Department.id).where(Department.code == code))
    if department_id is None:
        raise InvalidError(f"Unknown department code: {code}.", fields={"department": [f"Unknown code: {code}"]})
    return department_id
