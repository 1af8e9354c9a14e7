"""Assignment letters (交办函): issuing them after an episode, and finding them again.

A letter goes to one department for one episode and lists the commitments its officials
made on air. Its content is frozen when it is issued (`letter_content`), so a reprint shows
what was sent, whatever happened to the commitments, the department or the episode since.

Numbers run 〔year〕第1号, 第2号 … per Asia/Shanghai calendar year, across episodes.

Issuing is idempotent: it writes letters only for the departments of the episode that have
none yet. A commitment recorded after its department's letter was issued is not added to
that letter (it is a record of what was sent) and gets no second letter (one letter per
episode and department); the letter's page counts it as `late` instead.

Co-responsible departments (配合单位) — the other departments of the cases the letter's
commitments answer — are named under 抄送 (`items["cc"]`) and each gets a copy
(`AssignmentLetterCopy`), frozen with the letter like the rest.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..commitments import rules
from ..errors import NotFoundError
from ..extensions import db
from ..models import (
    AssignmentLetter,
    AssignmentLetterCopy,
    Case,
    CaseDepartment,
    Commitment,
    Department,
    Episode,
    EpisodeStatus,
    User,
)
from ..paging import one_page

# Attempts at a free number before giving up; each collision means another writer took one.
NUMBER_ATTEMPTS = 5


class NumberClashError(RuntimeError):
    """Every attempt at a letter number collided with another writer's."""


def issue_letters(episode_id: int, issued_by: User | None) -> list[AssignmentLetter]:
    """Issue today's letters for this episode's departments that have none; commit; the new ones."""
    episode = get_episode(episode_id)
    try:
        letters = add_letters(episode, issued_by, on=rules.today())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return letters


def add_letters(episode: Episode, issued_by: User | None, on: date,
                at: datetime | None = None) -> list[AssignmentLetter]:
    """Add (without committing) a letter dated `on` for each department still waiting for one."""
    waiting = departments_waiting(episode.id)
    letters = []
    for department in waiting:
        content = letter_content(episode, department)
        letter = _insert_numbered(episode, department, issued_by, on, at, content)
        if letter is not None:
            letters.append(letter)
    return letters


def _insert_numbered(episode: Episode, department: Department, issued_by: User | None, on: date,
                     at: datetime | None, content: dict) -> AssignmentLetter | None:
    """Insert the letter under the year's next free number; None if another writer issued it first.

    Two supervisors can read the same highest number at once; the unique (year, number)
    constraint refuses the second insert, which is rolled back to its savepoint and tried
    again with a fresh number. A clash on (episode, department) means the other writer
    issued this very letter: nothing is left to do.
    """
    for _attempt in range(NUMBER_ATTEMPTS):
        letter = AssignmentLetter(year=on.year, number=_next_number(on.year), episode_id=episode.id,
                                  department_id=department.id, issued_on=on,
                                  issued_by_id=issued_by.id if issued_by else None, items=content)
        if at is not None:
            letter.issued_at = at
        letter.copies = [AssignmentLetterCopy(department_id=copy["id"]) for copy in content["cc"]]
        try:
            with db.session.begin_nested():
                db.session.add(letter)
        except IntegrityError:
            if _letter_of(episode.id, department.id) is not None:
                return None
            continue
        return letter
    raise NumberClashError(f"No free letter number for {on.year} after {NUMBER_ATTEMPTS} attempts.")


def _next_number(year: int) -> int:
    highest = db.session.scalar(select(func.max(AssignmentLetter.number)).where(AssignmentLetter.year == year))
    return (highest or 0) + 1


def _letter_of(episode_id: int, department_id: int) -> AssignmentLetter | None:
    return db.session.scalar(select(AssignmentLetter).where(AssignmentLetter.episode_id == episode_id,
                                                            AssignmentLetter.department_id == department_id))


def departments_waiting(episode_id: int) -> list[Department]:
    """Departments with commitments in the episode and no letter for it yet, by code."""
    lettered = select(AssignmentLetter.department_id).where(AssignmentLetter.episode_id == episode_id)
    return list(db.session.scalars(
        select(Department).where(Department.id.in_(select(Commitment.department_id)
                                                   .where(Commitment.episode_id == episode_id)),
                                 Department.id.not_in(lettered))
        .order_by(Department.code)))


def letter_content(episode: Episode, department: Department) -> dict:
    """What the letter says, as data: addressee, episode and commitments (never the complainant)."""
    commitments = list(db.session.scalars(
        select(Commitment).options(selectinload(Commitment.case))
        .where(Commitment.episode_id == episode.id, Commitment.department_id == department.id)
        .order_by(Commitment.id)))
    return {
        "department": {"code": department.code, "name": department.name},
        "episode": {"number": episode.number, "title": episode.title, "air_date": episode.air_date.isoformat()},
        "commitments": [_item(commitment, commitment.case) for commitment in commitments],
        "cc": [{"id": other.id, "code": other.code, "name": other.name}
               for other in co_departments(commitments, department)],
    }


def co_departments(commitments: list[Commitment], department: Department) -> list[Department]:
    """The other responsible departments of these commitments' cases, by code: the letter's 抄送."""
    case_ids = {commitment.case_id for commitment in commitments}
    if not case_ids:
        return []
    return list(db.session.scalars(
        select(Department).where(Department.id != department.id, Department.id.in_(
            select(CaseDepartment.department_id).where(CaseDepartment.case_id.in_(case_ids))))
        .order_by(Department.code)))


def _item(commitment: Commitment, case: Case) -> dict:
    return {"commitment_id": commitment.id, "case_ref": case.ref, "case_title": case.title,
            "official_name": commitment.official_name, "official_title": commitment.official_title,
            "content": commitment.content, "deadline": commitment.deadline.isoformat()}


# --- reading ---------------------------------------------------------------------------------


def get_episode(episode_id: int) -> Episode:
    episode = db.session.get(Episode, episode_id)
    if episode is None:
        raise NotFoundError("No such episode.")
    return episode


def get_letter(letter_id: int) -> AssignmentLetter:
    letter = db.session.get(AssignmentLetter, letter_id)
    if letter is None:
        raise NotFoundError("No such letter.")
    return letter


def letters_of_episode(episode_id: int) -> list[AssignmentLetter]:
    """The episode's letters in number order."""
    return list(db.session.scalars(select(AssignmentLetter).where(AssignmentLetter.episode_id == episode_id)
                                   .order_by(AssignmentLetter.year, AssignmentLetter.number)))


def letters_of_department(department_id: int) -> list[AssignmentLetter]:
    """The letters a department received, addressed to it or copied to it (抄送), newest first."""
    copied = select(AssignmentLetterCopy.letter_id).where(AssignmentLetterCopy.department_id == department_id)
    return list(db.session.scalars(select(AssignmentLetter)
                                   .where(or_(AssignmentLetter.department_id == department_id,
                                              AssignmentLetter.id.in_(copied)))
                                   .order_by(AssignmentLetter.year.desc(), AssignmentLetter.number.desc())))


def received(letter: AssignmentLetter, department_id: int | None) -> bool:
    """Whether the department was sent this letter: addressed to it, or copied to it."""
    return department_id is not None and (letter.department_id == department_id
                                          or any(copy.department_id == department_id for copy in letter.copies))


def late_commitments(letter: AssignmentLetter) -> int:
    """How many of the department's commitments in the episode were recorded after the letter."""
    sent = {item["commitment_id"] for item in letter.items["commitments"]}
    ids = db.session.scalars(select(Commitment.id).where(Commitment.episode_id == letter.episode_id,
                                                         Commitment.department_id == letter.department_id))
    return sum(1 for commitment_id in ids if commitment_id not in sent)


@dataclass(frozen=True)
class EpisodeLetters:
    """One row of the letters desk: an episode, its letters, and what is still to issue."""

    episode: Episode
    letters: list[AssignmentLetter]
    waiting: int                 # departments with commitments and no letter yet
    late: dict[int, int]         # letter id → commitments recorded after it was issued


def episodes_page(page: int, per_page: int) -> tuple[list[EpisodeLetters], int]:
    """Episodes that have ended or have commitments, the latest first, with their letters; and the total."""
    with_commitments = select(Commitment.episode_id)
    where = or_(Episode.status == EpisodeStatus.ENDED, Episode.id.in_(with_commitments))
    episodes, total = one_page(select(Episode).where(where).order_by(Episode.air_date.desc(), Episode.number.desc()),
                               page, per_page)
    return [_episode_letters(episode) for episode in episodes], total


def _episode_letters(episode: Episode) -> EpisodeLetters:
    letters = letters_of_episode(episode.id)
    counts = Counter(db.session.scalars(select(Commitment.department_id).where(Commitment.episode_id == episode.id)))
    sent = {letter.id: len(letter.items["commitments"]) for letter in letters}
    late = {letter.id: counts.get(letter.department_id, 0) - sent[letter.id] for letter in letters}
    waiting = len(set(counts) - {letter.department_id for letter in letters})
    return EpisodeLetters(episode, letters, waiting, {k: v for k, v in late.items() if v > 0})


def sheet(letter: AssignmentLetter) -> dict:
    """The letter as it was issued (its frozen content, dates parsed), and what came after it."""
    content = letter.items
    episode = dict(content["episode"], air_date=date.fromisoformat(content["episode"]["air_date"]))
    commitments = [dict(item, deadline=date.fromisoformat(item["deadline"])) for item in content["commitments"]]
    return {"letter": letter, "department": content["department"]["name"], "episode": episode,
            "commitments": commitments, "late": late_commitments(letter),
            "cc": [copy["name"] for copy in content.get("cc", [])]}
