"""The only module that emits: namespaces, rooms, event names, and the publish functions.

Callers publish after their transaction has committed — never from inside one — so a client
never sees a state that could still be rolled back.
"""
from __future__ import annotations

from .extensions import socketio
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


def publish_presence(episode_id: int, clients: list[dict]) -> None:
    socketio.emit(PRESENCE, {"episode_id": episode_id, "clients": clients}, namespace=CONTROL,
                  to=control_room(episode_id))


def send_reload(display_sid: str) -> None:
    """Ask one display to reload its page (the console's remote reload)."""
    socketio.emit(RELOAD, {}, namespace=LIVE, to=display_sid)
