"""The only module that emits: namespaces, rooms, event names, and the publish functions.

Callers publish after their transaction has committed — never from inside one — so a client
never sees a state that could still be rolled back.
"""
from __future__ import annotations

from flask import Flask, current_app
from socketio import Server

from .errors import NotFoundError
from .extensions import socketio
from .live import presence
from .live.snapshots import snapshots

LIVE = "/live"          # public: displays, the vote page, OBS browser sources
CONTROL = "/control"    # producers only: presence, display commands

STATE = "state"
PRESENCE = "presence"
RELOAD = "reload"


def episode_room(episode_id: int) -> str:
    return f"episode:{episode_id}"


def control_room(episode_id: int) -> str:
    return f"control:{episode_id}"


def publish_state(episode_id: int) -> dict:
    """Build the episode's state once and push it to every display and console watching it."""
    state = snapshots().refresh(episode_id)
    socketio.emit(STATE, state, namespace=LIVE, to=episode_room(episode_id))
    socketio.emit(STATE, state, namespace=CONTROL, to=control_room(episode_id))
    return state


def send_state(episode_id: int, sid: str, namespace: str = LIVE) -> None:
    """The latest state to one client (on connect and on `resync`), from the snapshot store."""
    socketio.emit(STATE, snapshots().latest(episode_id), namespace=namespace, to=sid)


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
        server.start_background_task(_push_presence_later, current_app._get_current_object(), server,
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
        version = snapshots().latest(episode_id)["version"]
    except NotFoundError:
        version = None
    return {"episode_id": episode_id, "clients": presence.listing(episode_id, version)}


def send_reload(display_sid: str) -> None:
    """Ask one display to reload its page (the console's remote reload)."""
    socketio.emit(RELOAD, {}, namespace=LIVE, to=display_sid)
