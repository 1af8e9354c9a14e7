"""Test data for the commitment lifecycle: commitments in any state, evidence files, snapshots."""
from __future__ import annotations

import io
import secrets
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func, select

from tracker.commitments import rules, service
from tracker.extensions import db
from tracker.models import (
    Attachment,
    Commitment,
    CommitmentEvent,
    CommitmentStatus,
    Department,
    ExtensionRequest,
    ExtensionStatus,
)

STATES = [s.value for s in CommitmentStatus]


def png_bytes() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def image_bytes(image_format: str, size: tuple[int, int] = (4, 3), **options) -> bytes:
    """A real image of that format (evidence is decoded and re-encoded, so it must be one)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, image_format, **options)
    return buffer.getvalue()


def pdf_bytes(metadata: dict[str, str] | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 100)
    if metadata:
        writer.add_metadata(metadata)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


JPEG = image_bytes("JPEG")
PNG = png_bytes()
WEBP = image_bytes("WEBP")
PDF = pdf_bytes()
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40


class Commitments:
    """Builds commitments through the service, then puts them in the state a test needs."""

    def __init__(self, make) -> None:
        self.make = make
        self._cases: dict[int, object] = {}
        self._episode = None

    def create(self, department: Department | None = None, *, status: str = "committed",
               deadline: date | None = None, episode=None, **fields) -> Commitment:
        department = department or self.make.department()
        # One case per department and one episode serve every commitment a test needs.
        if department.id not in self._cases:
            self._cases[department.id] = self.make.case(departments=[department])
        case = self._cases[department.id]
        if episode is None:
            self._episode = self._episode or self.make.episode()
            episode = self._episode
        deadline = deadline or rules.today() + timedelta(days=30)
        data = {"episode_id": episode.id, "case_id": case.id, "department_code": department.code,
                "official_name": fields.pop("official_name", "李建国"), "official_title": "局长",
                "content": fields.pop("content", "年底前打通幸福路"), "deadline": deadline}
        commitment, _change = service.record(data, None)
        if status != "committed":
            commitment.status = CommitmentStatus(status)
            db.session.commit()
        return commitment

    def pending_extension(self, commitment: Commitment, days: int = 14) -> ExtensionRequest:
        request = ExtensionRequest(commitment_id=commitment.id, current_deadline=commitment.deadline,
                                   requested_deadline=commitment.deadline + timedelta(days=days),
                                   reason="施工队伍进场延误", status=ExtensionStatus.PENDING)
        db.session.add(request)
        db.session.commit()
        return request

    def attachment(self, app, commitment: Commitment, content: bytes = PNG,
                   public: bool = False) -> Attachment:
        stored = secrets.token_hex(16)
        folder = Path(app.config["UPLOAD_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / stored).write_bytes(content)
        attachment = Attachment(commitment_id=commitment.id, stored_name=stored, original_name="现场照片.png",
                                content_type="image/png", size=len(content), sha256="0" * 64, public=public)
        db.session.add(attachment)
        db.session.commit()
        return attachment


def reload(commitment_id: int) -> Commitment:
    db.session.expire_all()
    return db.session.get(Commitment, commitment_id)


def event_count(commitment_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CommitmentEvent)
                             .where(CommitmentEvent.commitment_id == commitment_id)) or 0


def snapshot(commitment_id: int) -> dict:
    """Everything a request could change about a commitment."""
    commitment = reload(commitment_id)
    return {
        "row": {column.name: getattr(commitment, column.key) for column in Commitment.__table__.columns},
        "events": [(e.id, e.action, e.before, e.after, e.note, e.at) for e in commitment.events],
        "extensions": [(r.id, r.status, r.requested_deadline, r.decided_at) for r in commitment.extension_requests],
        "attachments": [(a.id, a.public) for a in commitment.attachments],
    }
