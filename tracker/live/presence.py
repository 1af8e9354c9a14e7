"""Who is watching an episode: its named displays and the producers' consoles, one entry per
connection, for the console's list of displays.

Only a display that names itself (`display: {key, name, layout, mode}` in its `/live` auth) is
listed; anonymous viewers (the vote page, phones) never are. At most `LIVE_MAX_LISTED_DISPLAYS`
displays are listed per episode, so made-up "displays" cannot bury the real ones: a newcomer
takes the place of the longest-gone offline display, or is not listed (it still gets the
state). A display that reconnects with its key takes back its own entry; a second page with
the same key, while the first is still there, gets an entry of its own. A display that goes
away stays listed as offline, with the moment it went ("大屏2 离线 12 秒"), for
`LIVE_PRESENCE_OFFLINE_SECONDS`; a producer can forget it sooner. Consoles are listed while
connected. A client not heard from for `LIVE_PRESENCE_SILENT_SECONDS` (every page asks the
server's time once a minute) is taken for gone: its worker may have died without a goodbye.
"""
from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app

from .presence_store import Entries, MemoryPresence, RedisPresence
from .throttle import Throttle

DISPLAY, CONSOLE = "display", "console"
MODES = ("program", "preview")
SAFE_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
SAFE_LAYOUT = re.compile(r"[a-z][a-z-]{0,19}")
SAME_KEY_SLOTS = 4  # pages sharing one display key (two tabs of one browser) listed at most


def now() -> float:
    return time.time()


@dataclass(frozen=True)
class Hello:
    """What a display says about itself when it connects; None from `of` if it is anonymous."""

    key: str
    name: str
    layout: str
    mode: str

    @classmethod
    def of(cls, auth: object) -> Hello | None:
        display = auth.get("display") if isinstance(auth, dict) else None
        if not isinstance(display, dict):
            return None
        key, name, layout, mode = (display.get(field) for field in ("key", "name", "layout", "mode"))
        if not isinstance(key, str) or not SAFE_KEY.fullmatch(key):
            return None
        name = name.strip()[:40] if isinstance(name, str) else ""
        return cls(key=key, name=name or key[-6:],
                   layout=layout if isinstance(layout, str) and SAFE_LAYOUT.fullmatch(layout) else "",
                   mode=mode if mode in MODES else "program")


def display_connected(episode_id: int, sid: str, hello: Hello) -> str | None:
    """List a display; its entry's key, or None when it is not listed (the list is full)."""
    def claim(entries: Entries) -> tuple[dict, str | None]:
        at, rules = now(), _rules()
        writes: dict[str, dict | None] = {key: None for key, entry in entries.items() if rules.expired(entry, at)}
        kept = {key: entry for key, entry in entries.items() if key not in writes}
        base = f"{DISPLAY}:{hello.key}"
        slots = [base] + [f"{base}~{n}" for n in range(2, SAME_KEY_SLOTS + 1)]
        key = next((slot for slot in slots if slot not in kept or not rules.alive(kept[slot], at)), None)
        if key is None:
            return writes, None
        if key not in kept and sum(entry["kind"] == DISPLAY for entry in kept.values()) >= rules.cap:
            gone = sorted((entry["changed"], k) for k, entry in kept.items()
                          if entry["kind"] == DISPLAY and not rules.alive(entry, at))
            if not gone:
                return writes, None
            writes[gone[0][1]] = None
        writes[key] = {"key": key, "kind": DISPLAY, "name": hello.name, "layout": hello.layout,
                       "mode": hello.mode, "version": None, "online": True, "changed": at, "seen": at,
                       "sid": sid}
        return writes, key

    return _store().update(episode_id, claim)


def console_connected(episode_id: int, sid: str, user_id: int, name: str) -> str:
    """List a producer's console (each of its tabs on its own); the entry's key."""
    key = f"{CONSOLE}:{user_id}:{secrets.token_hex(3)}"
    at = now()
    entry = {"key": key, "kind": CONSOLE, "user": f"{CONSOLE}:{user_id}", "name": name, "online": True,
             "changed": at, "seen": at, "sid": sid}
    _store().update(episode_id, lambda entries: ({key: entry}, None))
    return key


def disconnected(episode_id: int, key: str, sid: str) -> bool:
    """A display goes offline, a console goes; False if the entry is no longer this connection's."""
    def leave(entries: Entries) -> tuple[dict, bool]:
        entry = entries.get(key)
        if entry is None or entry["sid"] != sid:
            return {}, False
        if entry["kind"] == CONSOLE:
            return {key: None}, True
        return {key: {**entry, "online": False, "changed": now()}}, True

    return _store().update(episode_id, leave)


def applied(episode_id: int, key: str, sid: str, version: int) -> bool:
    """A display has painted `version`; True if its entry changed."""
    return _touch(episode_id, key, sid, version=version)


def heard_from(episode_id: int, key: str, sid: str) -> bool:
    """The client is still there (it asked the time); True if it had been taken for gone."""
    return _touch(episode_id, key, sid)


def _touch(episode_id: int, key: str, sid: str, **changes: object) -> bool:
    def touch(entries: Entries) -> tuple[dict, bool]:
        entry, at = entries.get(key), now()
        if entry is None or entry["sid"] != sid or not entry["online"]:
            return {}, False
        came_back = not _rules().alive(entry, at)
        updated = {**entry, **changes, "seen": at, **({"changed": at} if came_back else {})}
        return {key: updated}, came_back or any(entry.get(k) != v for k, v in changes.items())

    return _store().update(episode_id, touch)


def forget(episode_id: int, key: str) -> bool:
    """Drop a display that is gone; a display still there is kept (it would only come back)."""
    def drop(entries: Entries) -> tuple[dict, bool]:
        entry = entries.get(key)
        if entry is None or entry["kind"] != DISPLAY or _rules().alive(entry, now()):
            return {}, False
        return {key: None}, True

    return _store().update(episode_id, drop)


def sid_of(episode_id: int, key: str) -> str | None:
    """The connection of a display that is there, to send it a command."""
    entry = _store().entries(episode_id).get(key)
    return entry["sid"] if entry and entry["kind"] == DISPLAY and _rules().alive(entry, now()) else None


def listing(episode_id: int, version: int | None) -> list[dict]:
    """Consoles, then displays by name, as the console shows them; `version` is the episode's,
    against which each display's lag is counted. Without connection ids."""
    at, rules = now(), _rules()
    shown = [_public(entry, version, at, rules) for entry in _store().entries(episode_id).values()
             if not rules.expired(entry, at)]
    return sorted(shown, key=lambda entry: (entry["kind"] != CONSOLE, entry["name"], entry["key"]))


def _public(entry: dict, version: int | None, at: float, rules: Rules) -> dict:
    online = rules.alive(entry, at)
    changed = entry["changed"] if online or not entry["online"] else entry["seen"]
    shown = {"key": entry["key"], "kind": entry["kind"], "name": entry["name"], "online": online,
             "since": datetime.fromtimestamp(changed, UTC).isoformat()}
    if entry["kind"] == CONSOLE:
        return {**shown, "user": entry["user"]}
    painted = entry["version"]
    lag = max(0, version - painted) if version is not None and painted is not None else None
    return {**shown, "mode": entry["mode"], "layout": entry["layout"], "version": painted, "lag": lag}


@dataclass(frozen=True)
class Rules:
    cap: int
    offline_seconds: float
    silent_seconds: float

    def alive(self, entry: dict, at: float) -> bool:
        return entry["online"] and at - entry["seen"] < self.silent_seconds

    def expired(self, entry: dict, at: float) -> bool:
        """Gone long enough to forget: a console at once, a display after the offline time."""
        if self.alive(entry, at):
            return False
        gone_at = entry["changed"] if not entry["online"] else entry["seen"]
        return entry["kind"] == CONSOLE or at - gone_at >= self.offline_seconds


def _rules() -> Rules:
    config = current_app.config
    return Rules(cap=config["LIVE_MAX_LISTED_DISPLAYS"], offline_seconds=config["LIVE_PRESENCE_OFFLINE_SECONDS"],
                 silent_seconds=config["LIVE_PRESENCE_SILENT_SECONDS"])


def _store() -> MemoryPresence | RedisPresence:
    return current_app.extensions["tracker.presence"]


def pushes() -> Throttle:
    """When the listing may next be pushed to an episode's consoles (see realtime.py)."""
    return current_app.extensions["tracker.presence_pushes"]


def init_app(app: Flask) -> None:
    url, config = app.config.get("MESSAGE_QUEUE"), app.config
    ttl = int(config["LIVE_PRESENCE_OFFLINE_SECONDS"] + config["LIVE_PRESENCE_SILENT_SECONDS"])
    app.extensions["tracker.presence"] = (RedisPresence(url, config["REDIS_NAMESPACE"], ttl) if url
                                          else MemoryPresence())
    app.extensions["tracker.presence_pushes"] = Throttle(config["LIVE_PRESENCE_PUSH_SECONDS"])
