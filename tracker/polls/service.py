"""The audience vote: open and close a poll on the case on air, take ballots, count them.

Opening, closing (by hand, by the timer, by the end of the episode) and undoing either are on-air
changes: they pass through `episode_change`, raise the episode's version, and are logged with
the poll as the `poll` part of what the episode shows (the close's `after` carries the final
tally). Ballots are not: they are data, many a second, and their tally travels as its own
coalesced `tally` event (see tallies.py and docs/polls.md).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..episodes.changes import Change, EpisodeChange, episode_change, now, refuse
from ..errors import AppError, ConflictError, InvalidError, NotFoundError
from ..extensions import db
from ..models import Ballot, Choice, CodeMode, ItemState, Poll, User
from . import codes

CHOICES = tuple(choice.value for choice in Choice)
CODE_MODES = tuple(mode.value for mode in CodeMode)
DEFAULT_TIMER_SECONDS = 60
VOTABLE = (ItemState.ON_AIR, ItemState.STANDBY)


class PollClosed(ConflictError):
    """The poll no longer takes ballots."""


def get_poll(poll_id: int, *, public: bool = False) -> Poll:
    """A poll, or 404 (a poll whose opening was undone is not public)."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or (public and poll.cancelled):
        raise NotFoundError("No such poll.")
    return poll


def current_poll(episode_id: int) -> Poll | None:
    """The episode's latest poll that was not undone, open or closed."""
    return db.session.scalar(select(Poll).where(Poll.episode_id == episode_id, Poll.cancelled.is_(False))
                             .order_by(Poll.id.desc()).limit(1))


def open_poll_of(episode_id: int) -> Poll | None:
    return db.session.scalar(select(Poll).where(Poll.episode_id == episode_id, Poll.closed_at.is_(None)))


def polls_of(episode_id: int) -> list[Poll]:
    return list(db.session.scalars(select(Poll).where(Poll.episode_id == episode_id).order_by(Poll.id)))


def open_poll(episode_id: int, item_id: int | None, expected: int | None, actor: User | None, *,
              code_mode: str | None = None, timer_seconds: int | None = None) -> tuple[Poll, Change]:
    """Open a vote on the case on air or on standby (without `item_id`: the one on air).

    409 `poll_already_open` while another poll of the episode is open, 409 `not_on_air` for an
    item neither on air nor on standby, 422 for a follow-up block (it has no case to judge).
    """
    with episode_change(episode_id, expected, actor, "poll_open") as change:
        item = change.item(item_id) if item_id is not None else _on_air(change)
        if item.case_id is None:
            raise InvalidError("A vote judges a case; this item is a follow-up block.",
                               fields={"item_id": ["Not a case."]})
        if item.state not in VOTABLE:
            refuse("Only the case on air or the one on standby can be voted on.", "not_on_air")
        if open_poll_of(episode_id) is not None:
            refuse("A vote is already open in this episode; close it first.", "poll_already_open")
        poll = Poll(episode_id=episode_id, item_id=item.id, case_id=item.case_id, opened_at=change.now,
                    code_mode=CodeMode(code_mode or _default_code_mode(episode_id)),
                    closes_at=change.now + timedelta(seconds=timer_seconds) if timer_seconds else None,
                    opened_by_id=actor.id if actor else None)
        db.session.add(poll)
        db.session.flush()
        change.item_id = item.id
    return poll, change.result


def _on_air(change: EpisodeChange):
    item = next((i for i in change.items() if i.state is ItemState.ON_AIR), None)
    if item is None:
        refuse("Nothing is on air: name the item to vote on.", "not_on_air")
    return item


def _default_code_mode(episode_id: int) -> str:
    """The mode of the episode's previous poll (the producer switched it for the episode), else
    the deployment's default (`TRACKER_POLL_CODE_MODE`, `off` unless set)."""
    previous = db.session.scalar(select(Poll.code_mode).where(Poll.episode_id == episode_id)
                                 .order_by(Poll.id.desc()).limit(1))
    return previous.value if previous else current_app.config["POLL_CODE_MODE"]


def close_poll(poll_id: int, expected: int | None, actor: User | None) -> tuple[Poll, Change]:
    """Close by hand and store the final tally; 409 `poll_closed` if it is closed already."""
    episode_id = get_poll(poll_id).episode_id
    with episode_change(episode_id, expected, actor, "poll_close", after_end=True) as change:
        poll = get_poll(poll_id)
        if poll.closed_at is not None:
            refuse("This vote is closed already.", "poll_closed")
        close(poll, change.now)
        change.item_id = poll.item_id
    return poll, change.result


def close(poll: Poll, moment: datetime) -> None:
    """Close the poll and store its final tally, counted from the stored ballots.

    The close is written first: on PostgreSQL the UPDATE waits for every ballot that holds the
    poll row (FOR SHARE, see `_write`), so the count sees each one that was acknowledged.
    """
    poll.closed_at = moment
    db.session.flush()
    counted = counts(poll.id)
    poll.final_satisfied = counted["satisfied"]
    poll.final_basically_satisfied = counted["basically_satisfied"]
    poll.final_unsatisfied = counted["unsatisfied"]


def close_with_episode(change: EpisodeChange) -> None:
    """The end of an episode closes its open vote (inside the end's own change)."""
    poll = open_poll_of(change.episode.id)
    if poll is not None:
        close(poll, change.now)


def expire_due(episode_id: int, at: datetime | None = None) -> Change | None:
    """The timer: close the episode's open poll if its `closes_at` has passed, as a change of its
    own (no actor). None when there is nothing to close. Called by the timer task and on every
    read that may find it due (a ballot, the poll's page, an opening), so a restart loses nothing."""
    at = at or now()
    if not _due(open_poll_of(episode_id), at):
        db.session.rollback()
        return None
    try:
        with episode_change(episode_id, None, None, "poll_auto_close", after_end=True) as change:
            poll = open_poll_of(episode_id)
            if poll is None or poll.closes_at is None or poll.closes_at > at:  # not _due(poll, at)
                raise _NotDue
            close(poll, poll.closes_at)
            change.item_id = poll.item_id
    except _NotDue:
        return None
    return change.result


class _NotDue(Exception):
    """Closed, or the timer changed, in the meantime."""


def _due(poll: Poll | None, at: datetime) -> bool:
    return poll is not None and poll.closes_at is not None and poll.closes_at <= at


@dataclass(frozen=True)
class CastBallot:
    """One ballot as a request hands it in: stamped with the moment it arrived."""

    poll_id: int
    choice: str
    code: str | None
    device: str
    moment: datetime


def store_ballots(ballots: Sequence[CastBallot]) -> list[int | AppError]:
    """Store a batch of ballots in one transaction and commit it: per ballot, its poll's episode id
    (stored: count it, push the tally) or the error that refused it (nothing of it stored).

    404 for a poll that does not exist or was undone; 422 for an unknown choice and for a
    missing, expired or unknown code; 409 `poll_closed` for a closed poll (and for one whose
    timer has run out: `PollClosed.due` says so, for the caller to record the close). Within the
    batch as across batches, a voter's later ballot replaces the earlier one: the last counts.
    Should the transaction fail, the exception propagates and none of the ballots is stored.
    """
    polls = {poll.id: poll for poll in db.session.scalars(
        select(Poll).where(Poll.id.in_({b.poll_id for b in ballots})).execution_options(populate_existing=True))}
    outcomes: list[int | AppError] = []
    rows: dict[tuple[int, str], dict] = {}  # (poll, voter) → the row; a later ballot replaces it
    for ballot in ballots:
        try:
            poll, voter = _check(polls.get(ballot.poll_id), ballot)
        except AppError as error:
            outcomes.append(error)
            continue
        rows[poll.id, voter] = {"poll_id": poll.id, "device": voter, "choice": ballot.choice,
                                "updated_at": ballot.moment}
        outcomes.append(poll.episode_id)
    try:
        closed = _write(rows) if rows else set()
        while closed:
            # A close got in first: its ballots are refused (never stored uncounted), the others go again.
            db.session.rollback()
            for n, ballot in enumerate(ballots):
                if ballot.poll_id in closed and not isinstance(outcomes[n], AppError):
                    outcomes[n] = PollClosed("This vote is closed.", code="poll_closed")
            rows = {key: row for key, row in rows.items() if key[0] not in closed}
            closed = _write(rows) if rows else set()
        db.session.commit()
    except Exception:
        db.session.rollback()  # none of the batch is stored, and the write lock is free for the next one
        raise
    return outcomes


def _check(poll: Poll | None, ballot: CastBallot) -> tuple[Poll, str]:
    """The poll takes this ballot: answers it and the voter the ballot is kept under."""
    if poll is None or poll.cancelled:
        raise NotFoundError("No such poll.")
    if ballot.choice not in CHOICES:
        raise InvalidError("Unknown choice.", fields={"choice": [f"One of: {', '.join(CHOICES)}."]})
    _still_open(poll, ballot.moment)
    return poll, _voter(poll, ballot.code, ballot.device, ballot.moment)


def _write(rows: dict[tuple[int, str], dict]) -> set[int]:
    """Upsert the rows (in one order, so two writers never wait on each other in a circle), then
    re-read their polls under a share lock (see `close`): the ids of the polls found closed."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(Ballot.__table__)
    statement = insert.on_conflict_do_update(index_elements=["poll_id", "device"],
                                             set_={"choice": insert.excluded.choice,
                                                   "updated_at": insert.excluded.updated_at})
    db.session.execute(statement, [rows[key] for key in sorted(rows)])
    poll_ids = {poll_id for poll_id, _voter in rows}
    found = db.session.execute(select(Poll.id, Poll.closed_at).where(Poll.id.in_(poll_ids))
                               .with_for_update(read=True))
    return {poll_id for poll_id, closed_at in found if closed_at is not None}


def _still_open(poll: Poll, moment: datetime) -> None:
    if poll.closed_at is not None:
        raise PollClosed("This vote is closed.", code="poll_closed")
    if _due(poll, moment):
        error = PollClosed("This vote is closed.", code="poll_closed")
        error.extra["due"] = True
        raise error


def _voter(poll: Poll, code: str | None, device: str, moment: datetime) -> str:
    """Who the ballot is kept under: the device, or the seat of a studio seat card."""
    if poll.code_mode is CodeMode.OFF:
        return device
    if not code or not code.strip():
        raise InvalidError("This vote needs the code shown on screen.", code="code_required",
                           fields={"code": ["Scan the code on screen again."]})
    if poll.code_mode is CodeMode.ROTATING:
        if not codes.rotating_code_valid(poll.id, code, moment):
            raise InvalidError("This code has expired.", code="code_expired",
                               fields={"code": ["Scan the code on screen again."]})
        return device
    seat = codes.seat_of(poll.episode_id, code)
    if seat is None:
        raise InvalidError("This is not a seat code of this programme.", code="code_invalid",
                           fields={"code": ["Type the code printed on your seat card."]})
    return f"seat:{seat}"


def counts(poll_id: int) -> dict[str, int]:
    """The tally from the stored ballots."""
    found = dict(db.session.execute(select(Ballot.choice, func.count()).where(Ballot.poll_id == poll_id)
                                    .group_by(Ballot.choice)).all())
    return {choice.value: int(found.get(choice, 0)) for choice in Choice}


def restore(change: EpisodeChange, before: dict | None, after: dict | None) -> None:
    """Undo of an opening or a close: the poll part of what the episode showed goes back.

    A poll the undone action opened is cancelled (closed, never public; its ballots stay
    stored). A poll it closed opens again without its final tally; if its timer has run out
    meanwhile, it reopens without a timer.
    """
    if after and (before is None or before["id"] != after["id"]):
        opened = db.session.get(Poll, after["id"])
        if opened is not None:
            opened.closed_at = opened.closed_at or change.now
            opened.cancelled = True
            opened.final_satisfied = opened.final_basically_satisfied = opened.final_unsatisfied = None
            db.session.flush()
    if before is None:
        return
    poll = db.session.get(Poll, before["id"])
    if poll is None:
        return
    if before["open"] and poll.closed_at is not None:
        if open_poll_of(change.episode.id) is not None:
            refuse("Another vote is open; close it before undoing this.", "nothing_to_undo")
        poll.closed_at, poll.cancelled = None, False
        poll.final_satisfied = poll.final_basically_satisfied = poll.final_unsatisfied = None
        if poll.closes_at is not None and poll.closes_at <= change.now:
            poll.closes_at = None
    elif not before["open"] and poll.closed_at is None:
        close(poll, change.now)
