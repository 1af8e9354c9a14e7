"""JSON for Socket.IO packets, with room for a payload that is already encoded.

python-socketio encodes a packet's arguments with the `json` module it is given (Flask-SocketIO's
`json=` option). The state of an episode is encoded once per version, when it is built
(snapshots.py); `EncodedJSON` marks that text, and `dumps` here puts it into the packet as it is
instead of parsing and dumping it again for every emit, reconnect and `resync`. Everything else
is encoded as python-socketio would. The message queue's envelope (one per emit, to the other
processes) is encoded here too, so the text travels as JSON, not as a JSON string.
"""
from __future__ import annotations

import json
from typing import Any


class EncodedJSON(str):
    """A JSON text, inserted into a packet as it is."""

    __slots__ = ()


def encode(value: Any) -> EncodedJSON:
    """Compact and UTF-8 (not \\u escapes): a state's Chinese text in half the bytes."""
    return EncodedJSON(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def dumps(value: Any, **kwargs: Any) -> str:
    if isinstance(value, EncodedJSON):
        return value
    if isinstance(value, list) and _holds_encoded(value):
        return "[" + ",".join(dumps(part, **kwargs) for part in value) + "]"
    if isinstance(value, dict) and _holds_encoded(value):  # a message queue's envelope
        return "{" + ",".join(json.dumps(str(key)) + ":" + dumps(part, **kwargs) for key, part in value.items()) + "}"
    return json.dumps(value, **kwargs)


def _holds_encoded(value: list | dict) -> bool:
    parts = value.values() if isinstance(value, dict) else value
    return any(isinstance(part, EncodedJSON) or (isinstance(part, (list, dict)) and _holds_encoded(part))
               for part in parts)


def loads(text: str | bytes, **kwargs: Any) -> Any:
    return json.loads(text, **kwargs)
