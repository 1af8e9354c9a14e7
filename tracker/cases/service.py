"""The case pool: create, edit, find. No request, no session: views and commands call these.

Input is a plain mapping shaped like the API body: `title`, `summary`, `department_codes`
(the lead first), `category`, `source`, `location`, `work_order_no`, `status`, and
`complainant: {name, phone}`, and the public text `public_title`, `public_summary`.
Everything is checked before anything changes, so a refused request leaves the database as it
was. The hotline text is stored exactly as given; the public text is derived from it with
personal data masked (`personal_data`), or written by an editor and masked again (the `Case`
model keeps that rule, so every writer follows it).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import search
from ..departments.service import codes_to_departments
from ..errors import ConflictError, InvalidError, NotFoundError
from ..extensions import db
from ..models import Case, CaseDepartment, CaseSource, CaseStatus, Department, User, utcnow
from ..paging import one_page
from . import personal_data
from .refs import assign_ref

# Longest text each field takes (the database columns' sizes; summary is a TEXT, kept sane).
LIMITS = {"title": 200, "summary": 20000, "location": 200, "category": 50, "work_order_no": 64,
          "public_title": 200, "public_summary": 20000}
COMPLAINANT_LIMITS = {"name": 100, "phone": 40}
REQUIRED_TEXT = ("title", "summary")
# The public text comes after the hotline text it would otherwise follow.
PLAIN_TEXT = ("title", "summary", "location", "category", "public_title", "public_summary")
PUBLIC_TEXT = ("public_title", "public_summary")
REF_ATTEMPTS = 5


@dataclass(frozen=True)
class CaseFilter:
    """What a list of cases is narrowed to; `None` or "" means "any"."""

    department: str | None = None   # a department code
    category: str | None = None
    source: str | None = None
    status: str | None = None
    q: str | None = None            # words, all found in the case's text, departments or officials (search.py)


def get_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFoundError("No such case.")
    return case


def list_cases(case_filter: CaseFilter, page: int = 1, per_page: int = 50) -> tuple[list[Case], int]:
    """One page of matching cases, newest first, and how many match in all (with search words,
    at most `search.COUNT_CAP`: the total is a `search.Total`)."""
    query = select(Case)
    for condition in _conditions(case_filter):
        query = query.where(condition)
    query = search.only_matching(query, Case.id, case_filter.q, cases=True)
    total = search.count(query, case_filter.q)
    query = (query.options(selectinload(Case.department_links).selectinload(CaseDepartment.department))
             .order_by(Case.created_at.desc(), Case.id.desc()))
    return one_page(query, page, per_page, total=total)


def create_case(data: dict, created_by: User | None = None) -> Case:
    """A new case in the pool, with the next reference number."""
    _check_fields(data, creating=True)
    departments = resolve_departments(data.get("department_codes") or [])
    _ensure_work_order_free(data.get("work_order_no"), None)
    case = Case(created_by_id=created_by.id if created_by else None, summary="", location="",
                category="", source=CaseSource.HOTLINE, status=CaseStatus.POOL,
                complainant_name="", complainant_phone="", work_order_no=None)
    _apply(case, data, departments)
    return save_new_case(case)


def update_case(case: Case, changes: dict) -> Case:
    """Change the fields named in `changes`; `complainant` changes only the keys it has."""
    _check_fields(changes, creating=False)
    departments = None
    if "department_codes" in changes:
        current = {link.department_id for link in case.department_links}
        departments = resolve_departments(changes["department_codes"] or [], keep=current)
    _ensure_work_order_free(changes.get("work_order_no"), case)
    _apply(case, changes, departments)
    # Changing only the departments touches no column of the case itself.
    case.updated_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise _clash() from error
    return case


def set_public_text(case: Case, data: dict) -> Case:
    """An editor's public title and summary (personal data in them is masked all the same)."""
    changes = {name: data[name] for name in PUBLIC_TEXT if name in data}
    _check_fields(changes, creating=False)
    for name, value in changes.items():
        setattr(case, name, value)
    case.updated_at = utcnow()
    db.session.commit()
    return case


@dataclass(frozen=True)
class MaskedItem:
    """A piece of personal data found in a case's hotline text and masked in its public text."""

    field: str        # "title" or "summary"
    kind: str         # personal_data's kinds: phone, id_number, email, plate, name
    original: str
    replacement: str


def masked_items(case: Case) -> list[MaskedItem]:
    """What the public text hides of the hotline text, for the producer and the supervisor."""
    return [MaskedItem(name, finding.kind, finding.original, finding.replacement)
            for name in ("title", "summary") for finding in personal_data.find(getattr(case, name))]


def save_new_case(case: Case) -> Case:
    """Insert a new case under the next free reference number, and commit.

    Two writers can read the same highest number at once; the unique constraint refuses
    the second, whose insert is rolled back to a savepoint and tried again with a fresh
    number. The caller's case must not be in the session yet.
    """
    for attempt in range(1, REF_ATTEMPTS + 1):
        with db.session.no_autoflush:
            assign_ref(case)
        try:
            with db.session.begin_nested():
                db.session.add(case)
        except IntegrityError as error:
            if attempt < REF_ATTEMPTS and _ref_taken(case):
                continue
            db.session.rollback()
            raise _clash() from error
        db.session.commit()
        return case
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def resolve_departments(codes: list[str], keep: Iterable[int] = ()) -> list[Department]:
    """The departments for these codes, lead first; 422 for none, repeats, unknown or inactive.

    An inactive department the case already has (`keep`, by id) may stay.
    """
    field = "department_codes"
    if not codes:
        raise InvalidError("Name at least one responsible department.",
                           fields={field: ["At least one department code is required; the first is the lead."]})
    repeated = list(dict.fromkeys(code for code in codes if codes.count(code) > 1))
    if repeated:
        raise InvalidError(f"Department codes listed more than once: {', '.join(repeated)}.",
                           fields={field: [f"Listed more than once: {code}" for code in repeated]})
    departments = codes_to_departments(codes, field)
    kept = set(keep)
    inactive = [d.code for d in departments if not d.active and d.id not in kept]
    if inactive:
        raise InvalidError(f"Inactive departments: {', '.join(inactive)}.",
                           fields={field: [f"Inactive: {code}" for code in inactive]})
    return departments


def known_categories(limit: int = 200) -> list[str]:
    """Categories already in use, for suggestions."""
    query = select(Case.category).where(Case.category != "").distinct().order_by(Case.category).limit(limit)
    return list(db.session.scalars(query))


def _conditions(case_filter: CaseFilter) -> list:
    conditions = []
    if case_filter.department:
        department = db.session.scalar(select(Department).where(Department.code == case_filter.department))
        if department is None:
            raise InvalidError(f"Unknown department code: {case_filter.department}.",
                               fields={"department": [f"Unknown code: {case_filter.department}"]})
        conditions.append(Case.department_links.any(CaseDepartment.department_id == department.id))
    if case_filter.category:
        conditions.append(Case.category == case_filter.category)
    if case_filter.source:
        conditions.append(Case.source == CaseSource(case_filter.source))
    if case_filter.status:
        conditions.append(Case.status == CaseStatus(case_filter.status))
    return conditions


def _check_fields(data: dict, *, creating: bool) -> None:
    problems: dict[str, list[str]] = {}
    for name in (*REQUIRED_TEXT, "public_title"):
        required = creating and name in REQUIRED_TEXT
        if (required or name in data) and not str(data.get(name) or "").strip():
            problems[name] = ["Required; may not be blank."]
    for name, limit in LIMITS.items():
        if len(data.get(name) or "") > limit:
            problems[name] = [f"At most {limit} characters."]
    for name, limit in COMPLAINANT_LIMITS.items():
        if len((data.get("complainant") or {}).get(name) or "") > limit:
            problems[f"complainant.{name}"] = [f"At most {limit} characters."]
    for name, choices in (("source", CaseSource), ("status", CaseStatus)):
        if name in data and data[name] not in {choice.value for choice in choices}:
            problems[name] = [f"One of: {', '.join(choice.value for choice in choices)}."]
    if problems:
        raise InvalidError("Some fields are missing or invalid.", fields=problems)


def _apply(case: Case, data: dict, departments: list[Department] | None) -> None:
    for name in PLAIN_TEXT:
        if name in data:
            setattr(case, name, data[name])
    if "source" in data:
        case.source = CaseSource(data["source"])
    if "status" in data:
        case.status = CaseStatus(data["status"])
    if "work_order_no" in data:
        case.work_order_no = (data["work_order_no"] or "").strip() or None
    complainant = data.get("complainant") or {}
    if "name" in complainant:
        case.complainant_name = complainant["name"] or ""
    if "phone" in complainant:
        case.complainant_phone = complainant["phone"] or ""
    if departments is not None:
        set_departments(case, departments)


def set_departments(case: Case, departments: list[Department]) -> None:
    """Link the case to `departments`, the lead first; an unchanged case is not rewritten."""
    # Keep the existing links (their primary key is case + department) and renumber them.
    existing = {link.department_id: link for link in case.department_links}
    links = []
    for position, department in enumerate(departments):
        link = existing.get(department.id) or CaseDepartment(department=department)
        link.position = position
        links.append(link)
    case.department_links = links


def _ensure_work_order_free(work_order_no: str | None, case: Case | None) -> None:
    number = (work_order_no or "").strip()
    if not number:
        return
    query = select(Case.ref).where(Case.work_order_no == number)
    if case is not None:
        query = query.where(Case.id != case.id)
    holder = db.session.scalar(query)
    if holder:
        raise ConflictError(f"Case {holder} already has work-order number {number}.",
                            fields={"work_order_no": [f"Already used by {holder}."]})


def _ref_taken(case: Case) -> bool:
    query = select(Case.id).where(Case.ref_year == case.ref_year, Case.ref_seq == case.ref_seq)
    with db.session.no_autoflush:
        return db.session.scalar(query) is not None


def _clash() -> ConflictError:
    # Only a race on the work-order number gets here: the checks above catch the rest.
    return ConflictError("The case clashes with another one saved at the same moment; try again.")
