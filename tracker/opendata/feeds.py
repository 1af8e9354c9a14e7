"""Atom feeds of the public timeline: everything, one department's, one commitment's.

An entry is one public timeline event (`PUBLIC_ACTIONS`): its title names the department,
what was promised and what happened; its summary lists the public values that moved
(status, deadline, progress, satisfaction) and the decision's public reason. Never a note,
never who did it, never a file.
Entry ids are tag URIs on the host of BASE_URL, stable for the life of the event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..bounds import without_control_characters
from ..commitments.present import event_requested_late, timeline_changes, timeline_event_label
from ..extensions import db
from ..models import Commitment, CommitmentEvent, Department
from ..public.schemas import PUBLIC_ACTIONS, PUBLIC_VALUES

FEED_SIZE = 50
TITLE_LENGTH = 60
# A feed with no entry yet still needs an `updated`; a fixed one keeps its ETag stable.
NO_ENTRY_YET = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Feed:
    """What a feed is about: its id and title, its page and its own address."""

    key: str          # the tail of the feed's tag URI: "updates", "departments/ZJJ", "commitments/7"
    title: str
    page: str         # the public page it follows, absolute
    url: str          # the feed's own address, absolute


def department(code: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.code == code))


def commitment(commitment_id: int) -> Commitment | None:
    return db.session.get(Commitment, commitment_id)


def latest_events(*, department_id: int | None = None, commitment_id: int | None = None) -> list[CommitmentEvent]:
    """The newest public timeline events, newest first, at most FEED_SIZE."""
    query = (select(CommitmentEvent).join(CommitmentEvent.commitment)
             .where(CommitmentEvent.action.in_(PUBLIC_ACTIONS))
             .options(selectinload(CommitmentEvent.commitment).selectinload(Commitment.department))
             .order_by(CommitmentEvent.at.desc(), CommitmentEvent.id.desc()).limit(FEED_SIZE))
    if department_id is not None:
        query = query.where(Commitment.department_id == department_id)
    if commitment_id is not None:
        query = query.where(CommitmentEvent.commitment_id == commitment_id)
    return list(db.session.scalars(query))


def render(feed: Feed, events: list[CommitmentEvent], site: str, authority: str) -> tuple[bytes, datetime]:
    """The Atom document, and when it last changed (the newest entry's time)."""
    updated = events[0].at if events else NO_ENTRY_YET
    generator = FeedGenerator()
    generator.id(tag(authority, feed.key))
    generator.title(without_control_characters(feed.title))
    generator.author({"name": _("Friday Face-to-Face Tracker")})
    generator.link(href=feed.page, rel="alternate", type="text/html")
    generator.link(href=feed.url, rel="self", type="application/atom+xml")
    generator.language("en" if str(get_locale()) == "en" else "zh-CN")
    generator.updated(updated)
    for event in events:
        entry = generator.add_entry(order="append")
        entry.id(tag(authority, f"commitment-events/{event.id}"))
        # XML 1.0 cannot carry most control characters: one in a promise would fail every feed.
        entry.title(without_control_characters(entry_title(event)))
        entry.link(href=f"{site}commitments/{event.commitment_id}", rel="alternate", type="text/html")
        entry.updated(event.at)
        entry.published(event.at)
        entry.summary(without_control_characters(entry_summary(event)))
    return generator.atom_str(pretty=True), updated


def entry_title(event: CommitmentEvent) -> str:
    """「市住建局：月底前打通幸福路 — 已核验」"""
    promised = event.commitment.content.strip()
    if len(promised) > TITLE_LENGTH:
        promised = promised[:TITLE_LENGTH - 1] + "…"
    return _("%(department)s: %(promise)s — %(event)s", department=event.commitment.department.name,
             promise=promised, event=timeline_event_label(event.action, event.after))


def entry_summary(event: CommitmentEvent) -> str:
    """The public values the event moved, in words; only status, deadline, progress, satisfaction."""
    public = SimpleNamespace(action=event.action, before=_public(event.before), after=_public(event.after))
    changes = [f"{c.label}: {c.before} → {c.after}" for c in timeline_changes(public)]
    if event.action == "committed":
        changes = [_("Deadline: %(deadline)s", deadline=(event.after or {}).get("deadline")
                     or event.commitment.original_deadline.isoformat())]
    if event_requested_late(event):
        changes.append(_("Requested late"))
    if event.public_reason:
        changes.append(_("Reason: %(reason)s", reason=event.public_reason))
    return "; ".join([timeline_event_label(event.action, event.after), *changes])


def _public(values: object) -> dict:
    return {name: values[name] for name in PUBLIC_VALUES if name in values} if isinstance(values, dict) else {}


def tag(authority: str, key: str) -> str:
    """A tag URI (RFC 4151): the same event keeps the same id for as long as the site keeps its name."""
    return f"tag:{authority},2026:{key}"


def authority_of(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"
