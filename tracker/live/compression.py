"""Websocket compression off by default: one compressor per viewer costs more than it saves.

simple-websocket accepts permessage-deflate whenever a client offers it, and every browser
does. The server then deflates each state once *per viewer*: at 3,000 viewers that doubles the
fan-out's CPU and latency (see bench/README.md), to save bandwidth that a few-kilobyte state
does not need. Dropping the client's offer before the handshake reaches simple-websocket
makes both sides agree on no compression. `TRACKER_WEBSOCKET_COMPRESSION=1` keeps it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

SOCKET_PATH = "/socket.io"


class NoWebSocketCompression:
    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(SOCKET_PATH):
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.app(environ, start_response)
