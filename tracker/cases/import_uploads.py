"""Uploaded exports waiting for their import job: from the upload to the import.

A file is kept under the instance folder (never under static), named by a random token, with
a small note saying who uploaded it; the import job that holds the token is its uploader's
alone. Files are deleted after the import (or its failure), and any left behind are swept
away after a day.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..errors import NotFoundError
from ..models import User

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Upload:
    token: str
    filename: str
    data: bytes


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def store(data: bytes, user: User, filename: str) -> Upload:
    """Keep the file for `user`, under a new token."""
    folder = _folder()
    _sweep(folder)
    token, filename = secrets.token_urlsafe(24), filename[:200]
    note = {"user_id": user.id, "filename": filename, "uploaded_at": time.time()}
    _write_private(folder / f"{token}.json", json.dumps(note).encode())
    _write_private(folder / token, data)
    return Upload(token=token, filename=filename, data=data)


def read_stored(token: str) -> bytes:
    """The file stored under this token, whoever uploaded it (the import job checked that)."""
    gone = NotFoundError(_("This upload is no longer available. Please upload the file again."))
    if not TOKEN_PATTERN.match(token or ""):
        raise gone
    try:
        return (_folder() / token).read_bytes()
    except FileNotFoundError as error:  # swept after a day
        raise gone from error


def discard(token: str) -> None:
    if TOKEN_PATTERN.match(token):
        folder = _folder()
        for path in (folder / token, folder / f"{token}.json"):
            path.unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another worker swept it first
            pass
