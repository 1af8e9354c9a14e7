"""The vote's QR codes: the address of `/vote/<episode>`, drawn as SVG on the server.

With a rotating code (code mode `rotating`) the address carries the code of the moment
(`?code=ABC234`), so the QR code on screen changes every 30 seconds and a phone that scans it sends
that code with its ballot. The address starts from `TRACKER_BASE_URL`, unless that is a loopback
address (the default): phones cannot reach 127.0.0.1, so the address the display itself was
opened at is used instead — open the display by the studio network's address.
"""
from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import urlencode, urlsplit

import segno
from flask import current_app, request, url_for

from ..models import CodeMode, Poll
from ..polls import codes

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def base_url() -> str:
    configured = current_app.config.get("BASE_URL", "")
    if configured and urlsplit(configured).hostname not in LOOPBACK:
        return configured.rstrip("/")
    return request.host_url.rstrip("/")


def vote_url(episode_id: int, code: str | None = None) -> str:
    """The vote page's full address, with the code to send along where there is one."""
    path = url_for("vote.page", episode_id=episode_id)
    return base_url() + path + (f"?{urlencode({'code': code})}" if code else "")


def code_on_screen(poll: Poll | None, moment: datetime) -> str | None:
    """The rotating code the screen shows now; None when the open poll needs none."""
    if poll is None or poll.closed_at is not None or poll.code_mode is not CodeMode.ROTATING:
        return None
    return codes.rotating_code(poll.id, moment)


def svg(data: str) -> str:
    """`data` as a QR code in SVG, sized by its container (viewBox, no width or height)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", border=2, omitsize=True, xmldecl=False,
                                     dark="#000", light="#fff", svgclass="qr", lineclass=None)
    return out.getvalue().decode()
