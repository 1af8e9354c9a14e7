"""The codes that keep remote stuffing out, and the device cookie that keeps one ballot per phone.

Rotating code (code mode `rotating`): the screen shows `rotating_code(poll, now)`, a six-letter
HMAC of the poll id and the 30-second window, keyed by the app's secret. A ballot's code is
accepted when it is the code of the current window or of one of the two before it — up to 90
seconds after it first appeared on screen — so a phone that scanned at the last moment still gets
its vote in, and a code copied to a chat group is useless a minute and a half later.

Seat codes (code mode `studio`): `seat_codes(episode)` gives the codes printed on the seat cards,
`S012-7KQ3XD`: the seat number and an HMAC of the episode and the seat. A seat card is one voter:
the ballot is kept under the seat, so a second phone with the same card replaces, never adds.

Device id: a random id in a cookie signed with itsdangerous (independent of the Flask session,
which the vote page never needs).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

WINDOW_SECONDS = 30
ACCEPTED_WINDOWS = 3          # the current window and the two before it: 90 s
CODE_LENGTH = 6
DEVICE_COOKIE = "tracker_voter"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
SEAT_CODE = re.compile(r"^S(\d{1,4})-([A-Z2-7]{6})$")


def _mac(*parts: object) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, ":".join(str(p) for p in parts).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def window_of(moment: datetime) -> int:
    return int(moment.timestamp()) // WINDOW_SECONDS


def rotating_code(poll_id: int, moment: datetime) -> str:
    """The code to show on screen at this moment."""
    return _mac("poll", poll_id, window_of(moment))


def rotates_in(moment: datetime) -> float:
    """Seconds until the code on screen changes."""
    return WINDOW_SECONDS - moment.timestamp() % WINDOW_SECONDS


def rotating_code_valid(poll_id: int, code: str, moment: datetime) -> bool:
    code = normalised(code)
    window = window_of(moment)
    return any(hmac.compare_digest(code, _mac("poll", poll_id, window - back)) for back in range(ACCEPTED_WINDOWS))


def seat_code(episode_id: int, seat: int) -> str:
    return f"S{seat:03d}-{_mac('seat', episode_id, seat)}"


def seat_codes(episode_id: int, count: int | None = None) -> list[str]:
    """The episode's seat-card codes, seat 1 first (`POLL_SEAT_CODES` of them by default)."""
    return [seat_code(episode_id, seat) for seat in range(1, (count or seat_count()) + 1)]


def seat_count() -> int:
    return int(current_app.config["POLL_SEAT_CODES"])


def seat_of(episode_id: int, code: str) -> int | None:
    """The seat a printed code belongs to, or None for a code that is not one of the episode's."""
    match = SEAT_CODE.match(normalised(code))
    if not match:
        return None
    seat = int(match.group(1))
    if not 1 <= seat <= seat_count():
        return None
    return seat if hmac.compare_digest(match.group(2), _mac("seat", episode_id, seat)) else None


def normalised(code: str) -> str:
    return code.strip().upper().replace(" ", "")


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="tracker.vote-device")


def device_from_cookie(cookie: str | None) -> str | None:
    """The device id a signed cookie carries, or None (no cookie, or a forged one)."""
    if not cookie:
        return None
    try:
        device = _devices().loads(cookie)
    except BadSignature:
        return None
    return device if isinstance(device, str) and 0 < len(device) <= 40 else None


def new_device() -> tuple[str, str]:
    """A new device id and the signed cookie value that carries it."""
    device = secrets.token_urlsafe(18)
    return device, _devices().dumps(device)
