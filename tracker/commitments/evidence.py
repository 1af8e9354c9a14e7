"""Evidence for a commitment: photos (JPEG, PNG, WebP) and PDF documents.

A file is judged by its first bytes, never by its name or the type the browser claims; it is
re-encoded without its metadata (`scrub`: no GPS position, no author), stored outside `static/`,
in the upload folder, under a random name, and served only to those who may see its commitment,
with the type its content showed. Nothing of a refused upload is kept, on disk or in the database.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from werkzeug.datastructures import FileStorage

from ..errors import AppError, InvalidError, NotFoundError
from ..extensions import db
from ..models import Attachment, User
from . import queries, states
from .lifecycle import changing
from .scrub import scrub

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
CHUNK = 64 * 1024
NAME_MAX = 200
# The content types we keep, and the file name endings that go with each (the first is ours).
SUFFIXES = {
    "image/jpeg": (".jpg", ".jpeg", ".jfif"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}
ACCEPTED = "JPEG, PNG or WebP images, or PDF documents"


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, if it is one we keep."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def clean_name(filename: str | None) -> str:
    """A file name fit to show: no folders, no control or direction-changing characters, no
    characters that are special in headers or on disks; at most NAME_MAX characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*;]', "_", name).strip(" .")
    if len(name) > NAME_MAX:
        stem, suffix = os.path.splitext(name)
        suffix = suffix[:10]
        name = stem[:NAME_MAX - len(suffix)] + suffix
    return name or "evidence"


def download_name(attachment: Attachment) -> str:
    """The shown name, ending as its content type does (a JPEG named `a.txt` downloads as `a.jpg`)."""
    stem, suffix = os.path.splitext(attachment.original_name)
    suffixes = SUFFIXES[attachment.content_type]
    return attachment.original_name if suffix.lower() in suffixes else (stem or "evidence") + suffixes[0]


def attachment_view(attachment: Attachment) -> dict:
    """How an attachment appears in the timeline."""
    return {"attachment_id": attachment.id, "name": attachment.original_name,
            "content_type": attachment.content_type, "size": attachment.size, "sha256": attachment.sha256}


@dataclass(frozen=True)
class StagedFile:
    path: Path
    stored_name: str
    content_type: str
    size: int
    sha256: str


def describe_size(size: int) -> str:
    return f"{size // MB} MB" if size >= MB and size % MB == 0 else f"{size} bytes"


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def stage(stream: IO[bytes], folder: Path, limit: int) -> StagedFile:
    """Copy an upload into `folder` under a new random name, without its metadata (`scrub`).

    Refuses an empty file (422), one over `limit` bytes (413), one whose content is not
    an accepted type (415) and one that cannot be decoded (422), keeping nothing of it.
    """
    first = stream.read(CHUNK)
    if not first:
        raise InvalidError("The file is empty.", fields={"file": ["The file is empty."]})
    content_type = sniff(first)
    if content_type is None:
        raise AppError(f"Only {ACCEPTED} are accepted; this file's content is none of them.",
                       status=415, fields={"file": [f"Not one of: {ACCEPTED}."]})
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    partial = folder / f".{stored_name}.part"
    size = 0
    try:
        with open(partial, "xb") as out:
            chunk = first
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise AppError(f"The file is larger than {describe_size(limit)}.", status=413,
                                   fields={"file": [f"At most {describe_size(limit)}."]})
                out.write(chunk)
                chunk = stream.read(CHUNK)
        # What is kept is the file without its metadata; the upload as received is gone.
        scrub(partial, content_type)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    kept = partial.read_bytes()
    return StagedFile(partial, stored_name, content_type, len(kept), hashlib.sha256(kept).hexdigest())


def add_evidence(commitment_id: int, actor: User, upload: FileStorage) -> Attachment:
    """Keep an uploaded file as evidence for the commitment (not public until a supervisor says so)."""
    commitment = queries.get_visible(actor, commitment_id)
    # Refuse what the table refuses before anything touches the disk.
    states.check("add_evidence", actor.role, commitment.status)
    folder = upload_folder()
    staged = stage(upload.stream, folder, max_bytes())
    final = folder / staged.stored_name
    try:
        with changing(commitment_id, actor, "add_evidence") as change:
            attachment = Attachment(commitment_id=commitment_id, uploader_id=actor.id,
                                    stored_name=staged.stored_name, original_name=clean_name(upload.filename),
                                    content_type=staged.content_type, size=staged.size, sha256=staged.sha256)
            db.session.add(attachment)
            db.session.flush()
            change.record(None, attachment_view(attachment))
            os.replace(staged.path, final)
    except BaseException:
        staged.path.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
        raise
    return attachment


def get_attachment(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError("No such attachment.")
    return attachment


def open_for(user: Any, attachment_id: int) -> tuple[Attachment, Path]:
    """The attachment and its file, for a user who may read its commitment (403 otherwise)."""
    attachment = get_attachment(attachment_id)
    queries.ensure_readable(user, attachment.commitment)
    return attachment, stored_path(attachment)


def stored_path(attachment: Attachment) -> Path:
    """Where the attachment's file is; 404 (and a logged error) when it has gone missing."""
    path = upload_folder() / attachment.stored_name
    if not path.is_file():
        current_app.logger.error("Attachment %s: file %s is missing", attachment.id, path)
        raise NotFoundError("The file of this attachment is missing.")
    return path


def set_public(attachment_id: int, actor: User, public: bool) -> Attachment:
    """Mark evidence as fit to be shown publicly, or not; no change when it already is so."""
    commitment_id = get_attachment(attachment_id).commitment_id
    with changing(commitment_id, actor, "publish_evidence" if public else "unpublish_evidence") as change:
        attachment = get_attachment(attachment_id)
        if attachment.public != public:
            before = {"attachment_id": attachment.id, "public": attachment.public}
            attachment.public = public
            change.record(before, {"attachment_id": attachment.id, "public": public})
    return attachment
