"""Evidence API: upload to a commitment, download to those who may see it, mark it public."""
from __future__ import annotations

from flask import send_file
from flask_login import current_user

from ..api import accepts_uploads, api_blueprint
from ..permissions import allow
from . import evidence
from .queries import READERS
from .schemas import AttachmentOut, PublishIn, UploadIn
from .states import roles_for

blp = api_blueprint("evidence_api", __name__, "", description="Evidence for commitments: photos and PDFs")

# Nothing served here may run a script or load anything from elsewhere. `object-src 'self'` and
# inline styles let browsers show a PDF or an image on its own with their built-in viewers.
ATTACHMENT_POLICY = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
                     "frame-ancestors 'self'")


@blp.route("/commitments/<int:commitment_id>/attachments", methods=["POST"])
@allow(*roles_for("add_evidence"))
@accepts_uploads
@blp.arguments(UploadIn, location="files")
@blp.response(201, AttachmentOut, description="kept as evidence; not public until a supervisor publishes it")
@blp.alt_response(413, description="larger than the limit (ATTACHMENT_MAX_BYTES, 10 MB by default)")
@blp.alt_response(415, description="the content is not a JPEG, PNG or WebP image or a PDF, whatever its name")
@blp.alt_response(409, description="`transition_not_allowed`: a department adds evidence only while the "
                                   "commitment is open; a supervisor at any time")
def upload_evidence(files: dict, commitment_id: int):
    return evidence.add_evidence(commitment_id, current_user, files["file"])


@blp.route("/attachments/<int:attachment_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, description="the file, with the content type its content showed, `inline`, and "
                               "`X-Content-Type-Options: nosniff`", content_type="application/octet-stream")
@blp.alt_response(403, description="another department's commitment")
def download_evidence(attachment_id: int):
    attachment, path = evidence.open_for(current_user, attachment_id)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=False,
                         download_name=evidence.download_name(attachment), conditional=True, etag=attachment.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = ATTACHMENT_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/attachments/<int:attachment_id>/publish", methods=["POST"])
@allow(*roles_for("publish_evidence"))
@blp.arguments(PublishIn)
@blp.response(200, AttachmentOut, description="shown on the public tracker, or no longer; a timeline event "
                                              "when it changes, nothing when it already was so")
def publish_evidence(data: dict, attachment_id: int):
    return evidence.set_public(attachment_id, current_user, data["public"])
