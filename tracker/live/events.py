"""Socket.IO namespaces: `/live` for displays (public data only) and `/control` for producers,
registered by `register(socketio)` when the app is made.

A display connects with `auth={"episode": id}` (plus `"display": {"key", "name", "layout",
"mode"}` to be listed on the console, see presence.py, and `"token"` where display tokens are
required). It is joined to its episode's room *before* it is sent the snapshot, so no change can
fall between the two.
"""
from __future__ import annotations

import time
from typing import Any

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import Namespace, SocketIO, disconnect, join_room

from ..auth.service import user_for_token
from ..bounds import INTEGER_MAX
from ..errors import NotFoundError
from ..models import Role
from ..realtime import (
    CONTROL,
    LIVE,
    control_room,
    episode_room,
    publish_presence,
    send_presence,
    send_reload,
    send_state,
)
from . import presence
from .display_tokens import display_token_valid


def _episode_from(auth: Any) -> int:
    """The episode id the client asked for; whether it exists is learnt from its snapshot."""
    episode = auth.get("episode") if isinstance(auth, dict) else None
    if isinstance(episode, str) and episode.isascii() and episode.isdigit() and len(episode) <= len(str(INTEGER_MAX)):
        episode = int(episode)  # a display page passes the id from its URL as text
    if not isinstance(episode, int) or isinstance(episode, bool) or not 0 < episode <= INTEGER_MAX:
        # 2**63 or 2.5 would travel to the database and fail there
        raise ConnectionRefusedError("auth must name the episode: {\"episode\": <id>}")
    return episode


def _join_and_send(episode_id: int, room: str, namespace: str) -> None:
    """Join the room first, then send the snapshot: no change can fall between the two.

    The snapshot comes from the store, so a storm of reconnecting displays costs no queries.
    """
    join_room(room)
    try:
        send_state(episode_id, _sid(), namespace)
    except NotFoundError:
        raise ConnectionRefusedError("no such episode") from None


def _version_of(data: Any) -> int | None:
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) and 0 <= version <= INTEGER_MAX \
        else None


def _heard_from() -> None:
    key, episode_id = session.get("presence_key"), session.get("episode")
    if key and episode_id and presence.heard_from(episode_id, key, _sid()):
        publish_presence(episode_id)


def _gone() -> None:
    key, episode_id = session.get("presence_key"), session.get("episode")
    if key and episode_id and presence.disconnected(episode_id, key, _sid()):
        publish_presence(episode_id)


def _producer(auth: Any) -> Any:
    token = auth.get("token") if isinstance(auth, dict) else None
    user = user_for_token(token) if token else (current_user if current_user.is_authenticated else None)
    if user is None or user.role is not Role.PRODUCER:
        raise ConnectionRefusedError("producers only")
    return user


def _signed_out() -> bool:
    """True (and the socket closed) once the producer behind this console is no longer signed in:
    their sessions ended (sign-out, new password, new role …) or their token was revoked."""
    try:
        _producer({"token": session.get("control_token")})
    except ConnectionRefusedError:
        disconnect()
        return True
    return False


class LiveNamespace(Namespace):
    """`/live`: displays and phones, public data only."""

    def on_connect(self, auth: Any = None) -> None:
        episode_id = _episode_from(auth)
        if current_app.config["DISPLAY_TOKEN_REQUIRED"] and not display_token_valid(auth.get("token")):
            raise ConnectionRefusedError("a valid display token is required")
        session["episode"] = episode_id
        _join_and_send(episode_id, episode_room(episode_id), LIVE)
        hello = presence.Hello.of(auth)
        key = presence.display_connected(episode_id, _sid(), hello) if hello else None
        if key:
            session["presence_key"] = key
            publish_presence(episode_id)

    def on_resync(self, _data: Any = None) -> None:
        """Sent by a client that missed a version: it gets the latest state again."""
        send_state(session["episode"], _sid())

    def on_time(self, _data: Any = None) -> Any:
        """The server's clock in epoch milliseconds, so on-air clocks do not depend on the local one.

        Asked every minute: for a listed display it is also the sign that it is still there.
        """
        _heard_from()
        return {"now": time.time() * 1000}

    def on_applied(self, data: Any = None) -> Any:
        """A display says which version it has painted; the console shows how far behind it is."""
        key, version = session.get("presence_key"), _version_of(data)
        if key and version is not None and presence.applied(session["episode"], key, _sid(), version):
            publish_presence(session["episode"])

    def on_disconnect(self, *_args: Any) -> None:
        _gone()


class ControlNamespace(Namespace):
    """`/control`: the producer's console."""

    def on_connect(self, auth: Any = None) -> None:
        user = _producer(auth)
        session["control_token"] = auth.get("token") if isinstance(auth, dict) else None
        episode_id = _episode_from(auth)
        session["episode"] = episode_id
        _join_and_send(episode_id, control_room(episode_id), CONTROL)
        session["presence_key"] = presence.console_connected(episode_id, _sid(), user.id,
                                                             user.display_name or user.username)
        send_presence(episode_id, _sid())
        publish_presence(episode_id)

    def on_disconnect(self, *_args: Any) -> None:
        _gone()

    def on_resync(self, _data: Any = None) -> None:
        if _signed_out():
            return
        send_state(session["episode"], _sid(), CONTROL)
        send_presence(session["episode"], _sid())

    def on_time(self, _data: Any = None) -> Any:
        """The server's clock, as on `/live`; and the sign that this console is still there."""
        if _signed_out():
            return None
        _heard_from()
        return {"now": time.time() * 1000}

    def on_reload_display(self, data: Any = None) -> Any:
        """Remote reload of one display, by its presence key; answers whether it was reached."""
        if _signed_out():
            return {"ok": False}
        key = data.get("key") if isinstance(data, dict) else None
        sid = presence.sid_of(session["episode"], key) if isinstance(key, str) else None
        if sid:
            send_reload(sid)
        return {"ok": bool(sid)}

    def on_forget_display(self, data: Any = None) -> Any:
        """Drop a display that is gone from the list; answers whether it was (one still there is kept)."""
        if _signed_out():
            return {"ok": False}
        key = data.get("key") if isinstance(data, dict) else None
        forgotten = isinstance(key, str) and presence.forget(session["episode"], key)
        if forgotten:
            publish_presence(session["episode"])
        return {"ok": forgotten}


def register(server: SocketIO) -> None:
    """Register both namespaces with the app's Socket.IO server."""
    server.on_namespace(LiveNamespace(LIVE))
    server.on_namespace(ControlNamespace(CONTROL))


def _sid() -> str:
    """This Socket.IO connection's id, which Flask-SocketIO sets on the request."""
    return request.sid  # type: ignore[attr-defined]  # added at run time by Flask-SocketIO
