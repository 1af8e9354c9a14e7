"""Reminder digests: once a day, each department hears about its own open commitments, and
about those of the cases it is co-responsible for (配合: another of the case's departments
made them; they are marked so).

What goes into a department's digest for a day, one reason per commitment, the most urgent
winning:

- ``overdue``  — open, and its deadline day has passed (`rules.is_overdue`);
- ``due_soon`` — open, due within `rules.DUE_SOON_DAYS` days, today included;
- ``new``      — open, and never reported in any earlier digest: a department hears of a
  commitment once as new, then again only when it becomes due soon or overdue.

A digest is kept (`ReminderDigest`, unique per department and day) before anything is mailed:
it is the workspace notification, whether or not anyone has an email address, and it makes a
second run on the same day send nothing again. `sent_at` is set only once the mail server
accepted the message, so a run after a failure retries just the unsent digests of that day.

A digest is composed again when it is sent, from the state at that moment (`recompose`): one
stored early and mailed later never lists a commitment verified in between, nor an old
deadline. One left with nothing to say is not mailed (`NOTHING_LEFT`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..commitments import rules
from ..commitments.queries import due_soon_condition, is_open, overdue_condition
from ..extensions import db
from ..models import CaseDepartment, Commitment, Department, ReminderDigest, ReminderItem, User, utcnow
from . import mail

KINDS = ("overdue", "due_soon", "new")   # most urgent first
NO_RECIPIENTS = "no active user of the department has an email address"
NOTHING_LEFT = "nothing left to remind of when it was to be sent"


@dataclass
class PlannedDigest:
    """What a department's digest for a day holds, before it is stored."""

    department: Department
    items: list[tuple[str, Commitment]]   # (kind, commitment), most urgent first

    def co_responsible(self, commitment: Commitment) -> bool:
        return commitment.department_id != self.department.id

    def count(self, kind: str) -> int:
        return sum(1 for item_kind, _commitment in self.items if item_kind == kind)


@dataclass
class SendReport:
    """What one `send_digests` run did."""

    sent: list[ReminderDigest] = field(default_factory=list)
    unaddressed: list[ReminderDigest] = field(default_factory=list)
    failed: list[ReminderDigest] = field(default_factory=list)
    settled: list[ReminderDigest] = field(default_factory=list)   # nothing left to say when sent


@dataclass(frozen=True)
class Notification:
    """One line of the workspace's reminders: why, which commitment, and on which day."""

    kind: str
    day: date
    commitment: Commitment
    co_responsible: bool = False


def plan_digests(day: date, department_id: int | None = None, *, again: bool = False) -> list[PlannedDigest]:
    """The digests `build_digests(day)` would create: departments without one for this day
    that have something to say. Changes nothing.

    `department_id` plans that department's only; `again` plans it even when it has a digest
    for the day already (to compose that digest again from the state now)."""
    # Who hears of a commitment: its own department, and the case's other departments.
    own = select(Commitment.id.label("commitment_id"), Commitment.department_id.label("department_id"))
    co = (select(Commitment.id.label("commitment_id"), CaseDepartment.department_id.label("department_id"))
          .join(CaseDepartment, CaseDepartment.case_id == Commitment.case_id)
          .where(CaseDepartment.department_id != Commitment.department_id))
    audience = own.union(co).subquery()
    reported = exists().where(ReminderItem.commitment_id == Commitment.id, ReminderItem.digest_id == ReminderDigest.id,
                              ReminderDigest.department_id == audience.c.department_id, ReminderDigest.day < day)
    kind = case((overdue_condition(day), "overdue"), (due_soon_condition(day), "due_soon"), else_="new")
    urgency = case((overdue_condition(day), 0), (due_soon_condition(day), 1), else_=2)
    conditions = [is_open(), or_(overdue_condition(day), due_soon_condition(day), ~reported)]
    if department_id is not None:
        conditions.append(audience.c.department_id == department_id)
    if not again:
        already = select(ReminderDigest.department_id).where(ReminderDigest.day == day)
        conditions.append(audience.c.department_id.not_in(already))
    rows = db.session.execute(
        select(Commitment, audience.c.department_id, kind)
        .join(audience, audience.c.commitment_id == Commitment.id)
        .where(*conditions)
        # Its own first, then those it is co-responsible for; each most urgent first.
        .order_by(audience.c.department_id, case((Commitment.department_id == audience.c.department_id, 0), else_=1),
                  urgency, Commitment.deadline, Commitment.id))
    plans: dict[int, PlannedDigest] = {}
    for commitment, audience_id, item_kind in rows:
        if audience_id not in plans:
            plans[audience_id] = PlannedDigest(db.session.get_one(Department, audience_id), [])
        plans[audience_id].items.append((item_kind, commitment))
    return sorted(plans.values(), key=lambda plan: plan.department.code)


def build_digests(day: date) -> list[ReminderDigest]:
    """Store each planned digest of this day with its items, one transaction per department.

    A department that already has a digest for the day is left alone, also when another run
    created it a moment ago (the unique constraint decides).
    """
    created = []
    for plan in plan_digests(day):
        digest = ReminderDigest(department_id=plan.department.id, day=day, recipients=[], error="")
        digest.items = [ReminderItem(commitment_id=commitment.id, kind=kind) for kind, commitment in plan.items]
        db.session.add(digest)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        created.append(digest)
    return created


def digest_count(day: date) -> int:
    return db.session.scalar(select(func.count()).select_from(ReminderDigest).where(ReminderDigest.day == day)) or 0


def unsent_digests(day: date) -> list[ReminderDigest]:
    return list(db.session.scalars(
        select(ReminderDigest).where(ReminderDigest.day == day, ReminderDigest.sent_at.is_(None))
        .options(selectinload(ReminderDigest.department),
                 selectinload(ReminderDigest.items).selectinload(ReminderItem.commitment))
        .order_by(ReminderDigest.id)))


def recipients_of(department_id: int) -> list[str]:
    """The addresses of the department's active users, each once, in a stable order."""
    addresses = db.session.scalars(
        select(User.email).where(User.department_id == department_id, User.active.is_(True),
                                 User.email.is_not(None), User.email != "")
        .order_by(User.id))
    return list(dict.fromkeys(address.strip() for address in addresses if address and address.strip()))


def send_digests(day: date, smtp_url: str,
                 compose: Callable[[ReminderDigest, list[str]], mail.EmailMessage] | None = None) -> SendReport:
    """Mail every digest of this day that has not been sent: one message per department,
    addressed to all its active users with an email address.

    `compose` builds the message (default `mail.compose`). A department nobody can be mailed at
    keeps its digest unsent with `NO_RECIPIENTS` as the reason; a refused or failed delivery
    keeps it unsent with the server's answer, for the next run to retry.
    """
    report = SendReport()
    with mail.Mailer(smtp_url) as mailer:
        for digest in unsent_digests(day):
            recipients = recipients_of(digest.department_id)
            if not recompose(digest):
                digest.error = NOTHING_LEFT
                report.settled.append(digest)
            elif not recipients:
                digest.error = NO_RECIPIENTS
                report.unaddressed.append(digest)
            else:
                _deliver(mailer, digest, (compose or mail.compose)(digest, recipients), recipients, report)
            db.session.commit()
    return report


def recompose(digest: ReminderDigest) -> list[ReminderItem]:
    """Compose the digest again from the state now, for its day: a commitment verified or closed
    since it was stored leaves it, one that became overdue or was extended changes its reason,
    one recorded since joins it. An item kept is changed in place (one row per commitment).
    Flushed, not committed; the digest's items, most urgent first."""
    plans = plan_digests(digest.day, digest.department_id, again=True)
    wanted = plans[0].items if plans else []
    current = {item.commitment_id: item for item in digest.items}
    items = []
    for kind, commitment in wanted:
        item = current.pop(commitment.id, None) or ReminderItem(commitment_id=commitment.id, commitment=commitment)
        item.kind = kind
        items.append(item)
    digest.items = items   # those left in `current` go (delete-orphan)
    db.session.flush()
    return digest.items


def _deliver(mailer: mail.Mailer, digest: ReminderDigest, message: mail.EmailMessage, recipients: list[str],
             report: SendReport) -> None:
    try:
        refused = mailer.send(message)
    except mail.DeliveryError as error:
        digest.error = str(error)
        report.failed.append(digest)
        return
    digest.sent_at = utcnow()
    digest.recipients = [address for address in recipients if address not in refused]
    digest.error = "; ".join(f"{address}: {answer}" for address, answer in refused.items())
    report.sent.append(digest)


def notifications_for(department_id: int, days: int = 14, on: date | None = None) -> list[Notification]:
    """The department's reminders of the last `days` days, newest day first, and within a day
    in the digest's order (most urgent first). Each commitment comes with its case and episode
    loaded, ready for `templates/reminders/_notifications.html`. A digest stored ahead for a day
    still to come (`tracker remind --date`) is not shown before its day."""
    until = on or rules.today()
    since = until - timedelta(days=days)
    rows = db.session.execute(
        select(ReminderItem, ReminderDigest.day)
        .join(ReminderDigest, ReminderItem.digest_id == ReminderDigest.id)
        .where(ReminderDigest.department_id == department_id, ReminderDigest.day > since,
               ReminderDigest.day <= until)
        .options(selectinload(ReminderItem.commitment).selectinload(Commitment.case),
                 selectinload(ReminderItem.commitment).selectinload(Commitment.episode))
        .order_by(ReminderDigest.day.desc(), ReminderItem.id))
    return [Notification(item.kind, day, item.commitment, item.commitment.department_id != department_id)
            for item, day in rows]
