"""The only module that emits: namespaces, rooms, event names, and the publish functions.

Callers publish after their transaction has committed — never from inside one — so a client
never sees a state that could still be rolled back.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from flask import Flask, current_app
from socketio import PubSubManager, Server

from .episodes.changes import Change, now
from .errors import NotFoundError
from .extensions import db, real_app, socketio
from .live import packets, presence
from .live.publisher import Offer, Publisher
from .live.snapshots import Snapshot, Snapshots, snapshots
from .live.state import LiveRead, read_live, state_of
from .models import Poll
from .polls import service as polls
from .polls.present import tally_event
from .polls.tallies import encode, millis, tallies
from .rundown.graphics import expire_graphic

LIVE = "/live"          # public: displays, the vote page, OBS browser sources
CONTROL = "/control"    # producers only: presence, display commands

STATE = "state"
PATCH = "patch"         # {version, base_version, ...the parts that changed} (PRODUCT.md)
PRESENCE = "presence"
RELOAD = "reload"
TALLY = "tally"         # a poll's live counts, between state versions (docs/polls.md)


def episode_room(episode_id: int) -> str:
    return f"episode:{episode_id}"


def control_room(episode_id: int) -> str:
    return f"control:{episode_id}"


def init_app(app: Flask) -> None:
    """The episodes' publisher (live/publisher.py), after the Socket.IO extension: its senders run
    as background tasks, or inline before the request returns where `LIVE_PUSH_IN_BACKGROUND` is
    false (tests, by default)."""
    server = socketio.server
    if isinstance(server.manager, PubSubManager):
        # The queue's own JSON (its documented `json` option; Flask-SocketIO builds the manager
        # without it): an encoded state must cross to the other processes as JSON.
        server.manager.json = packets
    background = app.config.get("LIVE_PUSH_IN_BACKGROUND", not app.testing)
    start = server.start_background_task if background else _inline
    # A patch is made against what this process sent before; with several processes pushing
    # to the same rooms (a message queue) the viewers' base may be another's, so states only.
    patches = app.config.get("LIVE_PATCHES", True) and not app.config.get("MESSAGE_QUEUE")
    app.extensions["tracker.publisher"] = Publisher(
        start, partial(_send, server, app.extensions["tracker.snapshots"], patches))


def publisher() -> Publisher:
    return current_app.extensions["tracker.publisher"]


def _inline(function: Callable[..., object], *args: object) -> None:
    function(*args)


def publish_state(episode_id: int, read: LiveRead | None = None) -> dict:
    """Build the episode's state (from `read`, rows the caller has just read, if given) and hand
    it to the episode's sender, which pushes it to every display and console after the request."""
    state = state_of(read or read_live(episode_id))
    publisher().offer(Offer(episode_id, state["version"], state))
    return state


def _send(server: Server, store: Snapshots, patches: bool, offer: Offer, before: Offer | None) -> None:
    """The publisher's push of one version, encoded once: to the rooms as a `patch` against the
    version this sender pushed before (the one their viewers hold) or as the whole `state`; then
    stored whole for every client that connects or resyncs, so that none is handed a version
    before its room has been sent it."""
    snapshot = Snapshot.of(offer.episode_id, offer.state)
    event, payload = STATE, snapshot.payload
    if patches and before is not None and before.version < offer.version:
        event, payload = PATCH, packets.encode(patch_of(before, offer))
    server.emit(event, payload, namespace=LIVE, to=episode_room(offer.episode_id))
    server.emit(event, payload, namespace=CONTROL, to=control_room(offer.episode_id))
    store.keep(snapshot)


def patch_of(before: Offer, offer: Offer) -> dict:
    """PRODUCT.md's `patch`: the version, the version it applies to, and the parts that changed."""
    changes = {part: value for part, value in offer.state.items()
               if part != "version" and before.state.get(part) != value}
    return {"version": offer.version, "base_version": before.version, **changes}


def publish(change: Change, read: LiveRead | None = None) -> dict:
    """Publish one committed episode change: the new state to every display and console, and,
    for a strap taken with auto-out, a task that takes it out when its time comes."""
    state = publish_state(change.episode_id, read)
    if change.out_at is not None and current_app.config.get("GRAPHIC_AUTO_OUT", not current_app.testing):
        socketio.start_background_task(_auto_out, real_app(), change.episode_id,
                                       change.out_at)
    return state


def _auto_out(app: Flask, episode_id: int, out_at: datetime) -> None:
    # Displays already hide the strap at `out_at` by the server clock; this records the out as
    # a change of its own, unless the strap left program (or was replaced) in the meantime.
    socketio.sleep(max(0.0, (out_at - now()).total_seconds()))
    with app.app_context():
        try:
            change = expire_graphic(episode_id, out_at)
            if change is not None:
                publish(change)
        except Exception:
            app.logger.exception("auto-out of episode %s failed", episode_id)


def send_state(episode_id: int, sid: str, namespace: str = LIVE) -> None:
    """The latest state to one client (on connect and on `resync`), from the snapshot store;
    with an open poll, the latest tally pushed after it (the snapshot's counts may be older)."""
    snapshot = snapshots().latest(episode_id)
    # The client is this process's own (its connect or resync is being handled here): straight
    # to it, not round every process through the message queue, where a reconnect storm would
    # make each worker parse one state per viewer of every other worker.
    socketio.emit(STATE, snapshot.payload, namespace=namespace, to=sid, ignore_queue=True)
    poll = snapshot.poll
    if poll and poll["open"]:
        latest = tallies().latest(poll["id"])
        if latest:
            # Stored as JSON text (polls/tallies.py): sent as it is, as a state is.
            socketio.emit(TALLY, packets.EncodedJSON(latest), namespace=namespace, to=sid, ignore_queue=True)
        if poll["closes_at"] and datetime.fromisoformat(poll["closes_at"]) <= now():
            # The timer ran out while no process watched it (a restart): record the close now.
            socketio.start_background_task(_close_due, real_app(), episode_id)


def publish_tally(episode_id: int, poll_id: int) -> None:
    """After a ballot commits: push the poll's tally, coalesced to one push per interval across
    every worker (polls/tallies.py). The first ballot after a quiet spell is pushed at once."""
    wait = tallies().claim(poll_id)
    if wait is None:
        return  # a push is already due; it will count this ballot
    if wait == 0:
        _push_tally(socketio.server, episode_id, poll_id)
    else:
        server = socketio.server
        server.start_background_task(_push_tally_later, real_app(), server,
                                     episode_id, poll_id, wait)


def _push_tally_later(app: Flask, server: Server, episode_id: int, poll_id: int, wait: float) -> None:
    server.sleep(wait)
    with app.app_context():
        try:
            _push_tally(server, episode_id, poll_id)
        except Exception:  # a background task has no caller to tell; the next ballot pushes again
            app.logger.exception("tally push for poll %s failed", poll_id)
        finally:
            db.session.remove()
            tallies().finished()


def _push_tally(server: Server, episode_id: int, poll_id: int) -> None:
    tallies().starting(poll_id)  # before counting: a ballot committed after the count asks again
    poll = db.session.get_one(Poll, poll_id, populate_existing=True)
    tally = {**tally_event(poll), "at": millis()}
    db.session.rollback()  # end the read, so a long fan-out holds no snapshot open
    tallies().store(poll_id, tally["at"], encode(tally))
    server.emit(TALLY, tally, namespace=LIVE, to=episode_room(episode_id))
    server.emit(TALLY, tally, namespace=CONTROL, to=control_room(episode_id))


def schedule_poll_close(episode_id: int, closes_at: datetime) -> None:
    """The poll's timer: close it when `closes_at` comes (`expire_due` also closes it on the next
    read, should this process be gone by then)."""
    if current_app.config.get("POLL_AUTO_CLOSE", not current_app.testing):
        socketio.start_background_task(_close_when_due, real_app(), episode_id, closes_at)


def _close_when_due(app: Flask, episode_id: int, closes_at: datetime) -> None:
    socketio.sleep(max(0.0, (closes_at - now()).total_seconds()))
    _close_due(app, episode_id)


def _close_due(app: Flask, episode_id: int) -> None:
    with app.app_context():
        try:
            change = polls.expire_due(episode_id)
            if change is not None:
                publish(change)
        except Exception:
            app.logger.exception("closing the vote of episode %s failed", episode_id)


def publish_presence(episode_id: int) -> None:
    """The episode's listing to its consoles: at once after a quiet spell, else folded into one
    push at the end of the interval (`LIVE_PRESENCE_PUSH_SECONDS`), built when it is sent.

    So a crowd of clients coming and going costs the console a few messages a second at most.
    """
    wait = presence.pushes().request(episode_id)
    if wait is None:
        return  # a push is already due; it will carry this change too
    if wait == 0:
        socketio.emit(PRESENCE, _presence(episode_id), namespace=CONTROL, to=control_room(episode_id))
    else:
        # This app's server, held now: the push must not reach another app's (tests make one each).
        server = socketio.server
        server.start_background_task(_push_presence_later, real_app(), server,
                                     episode_id, wait)


def send_presence(episode_id: int, sid: str) -> None:
    """The listing to one console, at once (on connect and on `resync`)."""
    socketio.emit(PRESENCE, _presence(episode_id), namespace=CONTROL, to=sid)


def _push_presence_later(app: Flask, server: Server, episode_id: int, wait: float) -> None:
    server.sleep(wait)
    with app.app_context():
        presence.pushes().starting(episode_id)
        try:
            server.emit(PRESENCE, _presence(episode_id), namespace=CONTROL, to=control_room(episode_id))
        except Exception:  # a background task has no caller to tell; the next change pushes again
            app.logger.exception("presence push for episode %s failed", episode_id)
        finally:
            presence.pushes().finished()


def _presence(episode_id: int) -> dict:
    try:
        version = snapshots().latest(episode_id).version
    except NotFoundError:
        version = None
    return {"episode_id": episode_id, "clients": presence.listing(episode_id, version)}


def send_reload(display_sid: str) -> None:
    """Ask one display to reload its page (the console's remote reload)."""
    socketio.emit(RELOAD, {}, namespace=LIVE, to=display_sid)
