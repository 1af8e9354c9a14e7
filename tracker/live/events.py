"""Socket.IO handlers: `/live` for displays (public data only) and `/control` for producers.

A display connects with `auth={"episode": id}` (plus `"display": {"key", "name", "layout"}` to
be listed on the console, and `"token"` where display tokens are required). It is joined to
its episode's room *before* it is sent the snapshot, so no change can fall between the two.
"""
from __future__ import annotations

import time

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import join_room

from ..auth.service import user_for_token
from ..errors import NotFoundError
from ..extensions import socketio
from ..models import Role
from ..realtime import CONTROL, LIVE, control_room, episode_room, publish_presence, send_reload, send_state
from . import presence
from .display_tokens import display_token_valid


def _episode_from(auth) -> int:  # noqa: ANN001
    """The episode id the client asked for; whether it exists is learnt from its snapshot."""
    episode = auth.get("episode") if isinstance(auth, dict) else None
    try:
        return int(episode)
    except (TypeError, ValueError):
        raise ConnectionRefusedError("auth must name the episode: {\"episode\": <id>}") from None


def _join_and_send(episode_id: int, room: str, namespace: str) -> None:
    """Join the room first, then send the snapshot: no change can fall between the two.

    The snapshot comes from the store, so a storm of reconnecting displays costs no queries.
    """
    join_room(room)
    try:
        send_state(episode_id, request.sid, namespace)
    except NotFoundError:
        raise ConnectionRefusedError("no such episode") from None


@socketio.on("connect", namespace=LIVE)
def live_connect(auth=None):  # noqa: ANN001
    episode_id = _episode_from(auth)
    if current_app.config["DISPLAY_TOKEN_REQUIRED"] and not display_token_valid(auth.get("token")):
        raise ConnectionRefusedError("a valid display token is required")
    session["episode"] = episode_id
    _join_and_send(episode_id, episode_room(episode_id), LIVE)
    display = auth.get("display")
    if isinstance(display, dict) and display.get("key"):
        key = "display:" + str(display["key"])[:64]
        session["presence_key"] = key
        presence.connected(episode_id, key, "display", str(display.get("name") or "")[:40] or key[-6:],
                           request.sid, layout=str(display.get("layout") or "")[:20])
        publish_presence(episode_id, presence.listing(episode_id))


@socketio.on("resync", namespace=LIVE)
def live_resync(_data=None):  # noqa: ANN001
    """Sent by a client that missed a version: it gets the latest state again."""
    send_state(session["episode"], request.sid)


@socketio.on("time", namespace=LIVE)
def live_time(_data=None):  # noqa: ANN001
    """The server's clock in epoch milliseconds, so on-air clocks do not depend on the local one."""
    return {"now": time.time() * 1000}


@socketio.on("applied", namespace=LIVE)
def live_applied(data=None):  # noqa: ANN001
    """A display says which version it shows; the console shows displays that fall behind."""
    key = session.get("presence_key")
    if key and isinstance(data, dict) and isinstance(data.get("version"), int):
        presence.applied(session["episode"], key, data["version"])


@socketio.on("disconnect", namespace=LIVE)
def live_disconnect(*_args):  # noqa: ANN002
    key, episode_id = session.get("presence_key"), session.get("episode")
    if key and episode_id and presence.disconnected(episode_id, key, request.sid):
        publish_presence(episode_id, presence.listing(episode_id))


def _producer(auth):  # noqa: ANN001
    token = auth.get("token") if isinstance(auth, dict) else None
    user = user_for_token(token) if token else (current_user if current_user.is_authenticated else None)
    if user is None or user.role is not Role.PRODUCER:
        raise ConnectionRefusedError("producers only")
    return user


@socketio.on("connect", namespace=CONTROL)
def control_connect(auth=None):  # noqa: ANN001
    user = _producer(auth)
    episode_id = _episode_from(auth)
    session["episode"] = episode_id
    session["presence_key"] = key = f"console:{user.id}"
    _join_and_send(episode_id, control_room(episode_id), CONTROL)
    presence.connected(episode_id, key, "console", user.display_name or user.username, request.sid)
    publish_presence(episode_id, presence.listing(episode_id))


@socketio.on("disconnect", namespace=CONTROL)
def control_disconnect(*_args):  # noqa: ANN002
    episode_id, key = session.get("episode"), session.get("presence_key")
    if episode_id and key and presence.disconnected(episode_id, key, request.sid):
        publish_presence(episode_id, presence.listing(episode_id))


@socketio.on("resync", namespace=CONTROL)
def control_resync(_data=None):  # noqa: ANN001
    send_state(session["episode"], request.sid, CONTROL)
    publish_presence(session["episode"], presence.listing(session["episode"]))


@socketio.on("reload_display", namespace=CONTROL)
def control_reload_display(data=None):  # noqa: ANN001
    """Remote reload of one display, by its presence key; answers whether it was reached."""
    key = data.get("key") if isinstance(data, dict) else None
    sid = presence.sid_of(session["episode"], str(key)) if key else None
    if sid:
        send_reload(sid)
    return {"ok": bool(sid)}
