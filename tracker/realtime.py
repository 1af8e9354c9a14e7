"""The only module that emits: namespaces, rooms, event names, and the publish functions.

Callers publish after their transaction has committed — never from inside one — so a client
never sees a state that could still be rolled back.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from .episodes.changes import Change, now
from .extensions import socketio
from .live.snapshots import snapshots
from .rundown.graphics import expire_graphic

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


def publish(change: Change) -> dict:
    """Publish one committed episode change: the new state to every display and console, and,
    for a strap taken with auto-out, a task that takes it out when its time comes."""
    state = publish_state(change.episode_id)
    if change.out_at is not None and current_app.config.get("GRAPHIC_AUTO_OUT", not current_app.testing):
        socketio.start_background_task(_auto_out, current_app._get_current_object(), change.episode_id,
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
        except Exception:  # noqa: BLE001 - a background task has nobody else to report to
            app.logger.exception("auto-out of episode %s failed", episode_id)


def send_state(episode_id: int, sid: str, namespace: str = LIVE) -> None:
    """The latest state to one client (on connect and on `resync`), from the snapshot store."""
    socketio.emit(STATE, snapshots().latest(episode_id), namespace=namespace, to=sid)


def publish_presence(episode_id: int, clients: list[dict]) -> None:
    socketio.emit(PRESENCE, {"episode_id": episode_id, "clients": clients}, namespace=CONTROL,
                  to=control_room(episode_id))


def send_reload(display_sid: str) -> None:
    """Ask one display to reload its page (the console's remote reload)."""
    socketio.emit(RELOAD, {}, namespace=LIVE, to=display_sid)
