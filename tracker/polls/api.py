"""The audience vote's endpoints: open and close (producer), the poll and ballots (anyone).

See docs/polls.md for the whole story: device rule, codes, the `tally` event, the timer.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, make_response, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..api import api_blueprint, no_csrf
from ..episodes.changes import get_episode, now
from ..errors import AppError, ForbiddenError, NotFoundError
from ..extensions import limiter
from ..live.display_tokens import display_token_valid
from ..models import Role
from ..permissions import ANYONE, allow
from ..realtime import publish, publish_tally, schedule_poll_close
from . import codes, service
from .batches import ballot_queue
from .present import poll_view
from .schemas import (
    BallotIn,
    BallotOut,
    CloseIn,
    CodeOut,
    OpenIn,
    PollChangeOut,
    PollOut,
    ProducerPollOut,
    SeatCodesOut,
    SeatCodesQuery,
)
from .service import DEFAULT_TIMER_SECONDS, PollClosed

blp = api_blueprint("polls_api", __name__, "", description="The audience vote (docs/polls.md)")

ballot_limit = limiter.shared_limit(lambda: current_app.config["POLL_BALLOT_LIMIT"], scope="ballots",
                                   key_func=get_remote_address, methods=["POST"])


def _settle_timer(episode_id: int) -> None:
    """A poll whose timer ran out is closed (and published) before anything else reads it."""
    change = service.expire_due(episode_id)
    if change is not None:
        publish(change)


@blp.route("/episodes/<int:episode_id>/polls", methods=["POST"])
@allow("producer")
@blp.arguments(OpenIn)
@blp.response(201, PollChangeOut)
@blp.alt_response(409, description="`poll_already_open`, `not_on_air`, `stale_version`, `episode_ended`")
@blp.alt_response(422, description="a follow-up block (no case), an unknown item")
def open_poll(data: dict, episode_id: int):
    """Open the vote on the case on air or on standby; at most one open poll per episode.

    `timer: true` closes it by itself after 60 s (or `timer_seconds`). An on-air change: a new
    version, logged (`poll_open`), undoable, pushed as `state`.
    """
    get_episode(episode_id)
    _settle_timer(episode_id)
    seconds = data.get("timer_seconds") or (DEFAULT_TIMER_SECONDS if data.get("timer") else None)
    poll, change = service.open_poll(episode_id, data.get("item_id"), data.get("version"), current_user,
                                     code_mode=data.get("code_mode"), timer_seconds=seconds)
    publish(change)
    if poll.closes_at is not None:
        schedule_poll_close(episode_id, poll.closes_at)
    return {**poll_view(poll), "version": change.version}


@blp.route("/episodes/<int:episode_id>/polls", methods=["GET"])
@allow("producer", "supervisor")
@blp.response(200, ProducerPollOut(many=True), description="every poll of the episode, oldest first")
def list_polls(episode_id: int):
    get_episode(episode_id)
    _settle_timer(episode_id)
    return [{**poll_view(poll), "cancelled": poll.cancelled} for poll in service.polls_of(episode_id)]


@blp.route("/polls/<int:poll_id>/close", methods=["POST"])
@allow("producer")
@blp.arguments(CloseIn)
@blp.response(200, PollChangeOut)
@blp.alt_response(409, description="`poll_closed`, `stale_version`")
def close_poll(data: dict, poll_id: int):
    """Close the vote: the final tally, counted from the stored ballots, is kept with the
    running-order item and the case. Logged (`poll_close`, the tally in `after.poll.final`),
    undoable."""
    _settle_timer(service.get_poll(poll_id).episode_id)
    poll, change = service.close_poll(poll_id, data.get("version"), current_user)
    publish(change)
    return {**poll_view(poll), "version": change.version}


@blp.route("/polls/<int:poll_id>", methods=["GET"])
@allow(ANYONE)
@blp.response(200, PollOut)
def get_poll(poll_id: int):
    """The poll and its tally: public text and counts only."""
    _settle_timer(service.get_poll(poll_id, public=True).episode_id)
    return poll_view(service.get_poll(poll_id, public=True))


@blp.route("/public/episodes/<int:episode_id>/poll", methods=["GET"])
@allow(ANYONE)
@blp.response(200, PollOut)
@blp.alt_response(404, description="no such episode, or no poll in it yet")
def current_poll(episode_id: int):
    """The episode's latest poll (open, or closed with its final tally) — what `state.poll` carries."""
    get_episode(episode_id)
    _settle_timer(episode_id)
    poll = service.current_poll(episode_id)
    if poll is None:
        raise NotFoundError("No vote in this episode yet.")
    return poll_view(poll)


@blp.route("/polls/<int:poll_id>/ballots", methods=["POST"])
@allow(ANYONE)
@blp.arguments(BallotIn())  # an instance: a class would be instantiated (its fields deep-copied) per ballot
@blp.response(202, BallotOut)
@blp.alt_response(409, description="`poll_closed`: nothing was stored")
@blp.alt_response(422, description="unknown choice; `code_required`, `code_expired`, `code_invalid`")
@blp.alt_response(429, description="too many ballots from this address")
@blp.alt_response(503, description="`ballot_not_stored`: its transaction failed; nothing was stored, send it again")
@ballot_limit
@no_csrf
def cast_ballot(data: dict, poll_id: int):
    """One ballot per device (a signed cookie, `tracker_voter`, set on the first ballot); a later
    ballot replaces the device's earlier one until the close. The 202 comes only after the ballot
    is committed (with the ballots that came within a few milliseconds, in one transaction: see
    polls/batches.py; if that fails, each of them answers 503 `ballot_not_stored`). Where the
    poll's `code_mode` is `rotating`, `code` is the code from the screen (accepted 90 s); where it
    is `studio`, a seat-card code (one ballot per seat)."""
    device, cookie = _device()
    ballot = service.CastBallot(poll_id, data["choice"], data.get("code"), device, now())
    outcome = ballot_queue().submit(ballot, service.store_ballots, _push_tallies)
    if isinstance(outcome, PollClosed) and outcome.extra.pop("due", False):
        _settle_timer(service.get_poll(poll_id).episode_id)
    if isinstance(outcome, AppError):
        raise outcome
    response = make_response({"poll_id": poll_id, "choice": data["choice"], "stored": True}, 202)
    if cookie:
        response.set_cookie(codes.DEVICE_COOKIE, cookie, max_age=codes.DEVICE_COOKIE_MAX_AGE, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _push_tallies(ballots: list[service.CastBallot], outcomes: Sequence[int | AppError]) -> None:
    """After a batch: one tally push (coalesced) per poll that got ballots in it."""
    for episode_id, poll_id in {(outcome, ballot.poll_id) for ballot, outcome in zip(ballots, outcomes, strict=True)
                                if not isinstance(outcome, AppError)}:
        publish_tally(episode_id, poll_id)


def _device() -> tuple[str, str | None]:
    """The device id from its signed cookie, or a new one and the cookie to set."""
    device = codes.device_from_cookie(request.cookies.get(codes.DEVICE_COOKIE))
    if device:
        return device, None
    return codes.new_device()


@blp.route("/polls/<int:poll_id>/code", methods=["GET"])
@allow(ANYONE)
@blp.response(200, CodeOut)
@blp.alt_response(403, description="neither a producer nor a valid display token (`?token=`)")
def rotating_code(poll_id: int):
    """The rotating code to show on screen now, and the vote URL for the QR code. For producers
    and for displays with a display token (`?token=` or `X-Display-Token`) only: the code must
    come from the screen, not from the open `/live` stream."""
    poll = service.get_poll(poll_id, public=True)
    if not (getattr(current_user, "role", None) is Role.PRODUCER
            or display_token_valid(request.args.get("token") or request.headers.get("X-Display-Token"))):
        raise ForbiddenError("Only a producer or a display with its token may read the code.")
    moment = now()
    code = codes.rotating_code(poll.id, moment)
    return {"code": code, "rotates_in": round(codes.rotates_in(moment), 3),
            "accepted_seconds": codes.WINDOW_SECONDS * codes.ACCEPTED_WINDOWS,
            "vote_url": vote_url(poll.episode_id, code)}


def vote_url(episode_id: int, code: str | None = None) -> str:
    """The vote page's address (the QR code's content), with the code where one is needed."""
    url = f"{current_app.config['BASE_URL']}/vote/{episode_id}"
    return f"{url}?code={code}" if code else url


@blp.route("/episodes/<int:episode_id>/seat-codes", methods=["GET"])
@allow("producer")
@blp.arguments(SeatCodesQuery, location="query")
@blp.response(200, SeatCodesOut)
def seat_codes(query: dict, episode_id: int):
    """The codes printed on the seat cards for the `studio` code mode, seat 1 first."""
    get_episode(episode_id)
    count = min(query.get("count") or codes.seat_count(), codes.seat_count())
    return {"episode_id": episode_id,
            "codes": [{"seat": n, "code": code} for n, code in enumerate(codes.seat_codes(episode_id, count), 1)]}
