"""Evidence: photos and PDFs judged by content, kept outside static/, served only to those who may see them."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tracker.commitments.evidence import clean_name, download_name, max_bytes, sniff
from tracker.models import Attachment

from .commitment_data import HTML, JPEG, PDF, PNG, WEBP, ZIP, Commitments, event_count, snapshot


@pytest.fixture
def evidence(app, api, make):
    """A 市住建局 commitment; its department's user, another department's, a supervisor, a producer."""
    department = make.department("ZJJ", "市住建局")
    commitment = Commitments(make).create(department)
    clients = {"own": api.as_role("department", department),
               "other": api.as_role("department", make.department("JTJ", "市交通局")),
               "supervisor": api.as_role("supervisor"), "producer": api.as_role("producer"),
               "admin": api.as_role("admin"), "anonymous": api.anonymous}
    return commitment.id, clients


def multipart(content: bytes, name: str, mimetype: str) -> tuple[bytes, str]:
    """A multipart body with one `file` field (built here: werkzeug's test encoder leaks a
    temporary file for large bodies)."""
    boundary = "----tracker-test-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {mimetype}\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(client, commitment_id: int, content: bytes, name: str = "现场照片.jpg",
           mimetype: str = "image/jpeg"):
    body, content_type = multipart(content, name, mimetype)
    return client.post(f"/api/v1/commitments/{commitment_id}/attachments", data=body, content_type=content_type)


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(("content", "content_type"), [
    (JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp"), (PDF, "application/pdf")])
def test_images_and_pdfs_are_kept(app, evidence, content, content_type):
    commitment_id, clients = evidence
    response = upload(clients["own"], commitment_id, content, "证据.bin", "application/octet-stream")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    [stored] = stored_files(app)
    kept = stored.read_bytes()   # re-encoded without metadata (test_evidence_metadata.py)
    assert body["content_type"] == content_type == sniff(kept) and body["size"] == len(kept)
    assert body["sha256"] == hashlib.sha256(kept).hexdigest()
    assert body["public"] is False and body["original_name"] == "证据.bin"
    assert body["uploaded_by"]["id"] == clients["own"].user.id
    assert body["url"] == f"/api/v1/attachments/{body['id']}"
    assert len(stored.name) == 32 and int(stored.name, 16) >= 0  # a random hex name, not the upload's
    assert "static" not in stored.parts
    detail = clients["own"].get(f"/api/v1/commitments/{commitment_id}").get_json()
    assert [a["id"] for a in detail["attachments"]] == [body["id"]]
    event = detail["timeline"][-1]
    assert event["action"] == "evidence_added" and event["before"] is None
    assert event["after"] == {"attachment_id": body["id"], "name": "证据.bin", "content_type": content_type,
                              "size": len(kept), "sha256": body["sha256"]}


@pytest.mark.parametrize(("content", "name", "mimetype"), [
    (HTML, "photo.jpg", "image/jpeg"),
    (ZIP, "scan.png", "image/png"),
    (b"GIF89a" + b"\x00" * 20, "anim.gif", "image/gif"),
    (b"\x00\xd8\xff" + JPEG[3:], "almost.jpg", "image/jpeg"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "sound.webp", "image/webp"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "x.svg", "image/svg+xml"),
])
def test_forged_types_are_refused_with_415(app, evidence, content, name, mimetype):
    commitment_id, clients = evidence
    before = snapshot(commitment_id)
    response = upload(clients["own"], commitment_id, content, name, mimetype)
    assert response.status_code == 415
    body = response.get_json()["error"]
    assert body["code"] == "unsupported_media_type" and "file" in body["fields"]
    assert snapshot(commitment_id) == before and stored_files(app) == []


def test_oversized_files_are_refused_with_413(app, evidence):
    commitment_id, clients = evidence
    app.config["ATTACHMENT_MAX_BYTES"] = len(PDF)
    assert upload(clients["own"], commitment_id, PDF, "ok.pdf").status_code == 201
    before, kept = snapshot(commitment_id), stored_files(app)
    response = upload(clients["own"], commitment_id, PDF + b" ", "big.pdf")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    assert snapshot(commitment_id) == before and stored_files(app) == kept


def test_a_body_over_the_app_limit_is_413(app, evidence):
    commitment_id, clients = evidence
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = upload(clients["own"], commitment_id, JPEG + b"\x00" * 2000)
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_the_default_limit_is_ten_megabytes(app):
    app.config.pop("ATTACHMENT_MAX_BYTES", None)
    with app.app_context():
        assert max_bytes() == 10 * 1024 * 1024


def test_an_empty_file_is_422(app, evidence):
    commitment_id, clients = evidence
    response = upload(clients["own"], commitment_id, b"", "empty.jpg")
    assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"]
    assert stored_files(app) == [] and event_count(commitment_id) == 1


@pytest.mark.parametrize("request_kwargs", [
    {"data": {"other": "x"}, "content_type": "multipart/form-data"},
    {"data": {"file": "not a file"}, "content_type": "multipart/form-data"},
    {"json": {"file": "aGVsbG8="}},
])
def test_without_a_file_field_it_is_422(evidence, request_kwargs):
    commitment_id, clients = evidence
    response = clients["own"].post(f"/api/v1/commitments/{commitment_id}/attachments", **request_kwargs)
    assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"]


def test_a_form_post_is_415(evidence):
    commitment_id, clients = evidence
    response = clients["own"].post(f"/api/v1/commitments/{commitment_id}/attachments", data="file=x",
                                   content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_who_may_upload(app, make, evidence):
    commitment_id, clients = evidence
    assert upload(clients["other"], commitment_id, JPEG).status_code == 403
    assert upload(clients["producer"], commitment_id, JPEG).status_code == 403
    assert upload(clients["admin"], commitment_id, JPEG).status_code == 403
    assert upload(clients["anonymous"], commitment_id, JPEG).status_code == 401
    assert upload(clients["own"], 999999, JPEG).status_code == 404
    assert stored_files(app) == []
    verified = Commitments(make).create(make.department(), status="verified")
    assert upload(clients["supervisor"], verified.id, PDF, "回访记录.pdf").status_code == 201


def test_a_department_cannot_add_evidence_once_it_is_closed(app, api, make):
    department = make.department("ZJJ", "市住建局")
    commitment = Commitments(make).create(department, status="verified")
    response = upload(api.as_role("department", department), commitment.id, JPEG)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "transition_not_allowed"
    assert stored_files(app) == []


# Downloads ------------------------------------------------------------------------------------


def test_download_with_the_sniffed_type_inline_and_nosniff(evidence):
    commitment_id, clients = evidence
    attachment = upload(clients["own"], commitment_id, PNG, "整改前.txt", "text/html").get_json()
    for reader in ("own", "supervisor", "producer"):
        response = clients[reader].get(attachment["url"], buffered=True)
        assert response.status_code == 200
        assert response.data == PNG
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("inline;")
        assert "filename*=UTF-8''%E6%95%B4%E6%94%B9%E5%89%8D.png" in disposition  # 整改前.png
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert "no-store" in response.headers["Cache-Control"]


def test_who_may_download(evidence):
    commitment_id, clients = evidence
    url = upload(clients["own"], commitment_id, PDF, "报告.pdf").get_json()["url"]
    assert clients["other"].get(url).status_code == 403
    assert clients["admin"].get(url).status_code == 403
    assert clients["anonymous"].get(url).status_code == 401
    assert clients["own"].get("/api/v1/attachments/999999").status_code == 404
    response = clients["own"].get(url, buffered=True)
    assert response.headers["Content-Type"] == "application/pdf"


def test_a_missing_file_is_404_not_500(app, evidence):
    commitment_id, clients = evidence
    url = upload(clients["own"], commitment_id, JPEG).get_json()["url"]
    for stored in stored_files(app):
        stored.unlink()
    assert clients["own"].get(url).status_code == 404


# Publishing -----------------------------------------------------------------------------------


def test_a_supervisor_marks_evidence_public_and_back(evidence):
    commitment_id, clients = evidence
    attachment = upload(clients["own"], commitment_id, JPEG).get_json()
    publish = f"/api/v1/attachments/{attachment['id']}/publish"
    response = clients["supervisor"].post(publish, json={"public": True})
    assert response.status_code == 200 and response.get_json()["public"] is True
    count = event_count(commitment_id)
    assert clients["supervisor"].post(publish, json={"public": True}).status_code == 200
    assert event_count(commitment_id) == count  # no change, no event
    response = clients["supervisor"].post(publish, json={"public": False})
    assert response.get_json()["public"] is False
    timeline = clients["own"].get(f"/api/v1/commitments/{commitment_id}").get_json()["timeline"]
    assert [e["action"] for e in timeline[-2:]] == ["evidence_published", "evidence_unpublished"]
    assert timeline[-2]["before"] == {"attachment_id": attachment["id"], "public": False}
    assert timeline[-2]["after"] == {"attachment_id": attachment["id"], "public": True}


def test_only_a_supervisor_publishes(evidence):
    commitment_id, clients = evidence
    attachment = upload(clients["own"], commitment_id, JPEG).get_json()
    publish = f"/api/v1/attachments/{attachment['id']}/publish"
    for who in ("own", "other", "producer", "admin"):
        assert clients[who].post(publish, json={"public": True}).status_code == 403, who
    assert clients["anonymous"].post(publish, json={"public": True}).status_code == 401
    assert clients["supervisor"].post("/api/v1/attachments/999999/publish", json={"public": True}).status_code == 404
    assert clients["supervisor"].post(publish, json={}).status_code == 422
    assert clients["supervisor"].post(publish, json={"public": "perhaps"}).status_code == 422


# The pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("head", "expected"), [
    (b"\xff\xd8\xff\xdb", "image/jpeg"), (PNG[:8], "image/png"), (WEBP[:12], "image/webp"),
    (b"%PDF-1.7", "application/pdf"), (b"\xff\xd8", None), (b"RIFF\x00\x00\x00\x00WEBQ", None),
    (b"%PDF", None), (b"", None), (HTML, None), (ZIP, None),
])
def test_sniff(head, expected):
    assert sniff(head) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("现场照片.jpg", "现场照片.jpg"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\张三\\整改.pdf", "整改.pdf"),
    ("photo\u202egpj.exe", "photogpj.exe"),
    ("a\x00b\r\nc.png", "abc.png"),
    ('quote"semi;colon<>.png', "quote_semi_colon__.png"),
    ("...", "evidence"),
    ("", "evidence"),
    (None, "evidence"),
    ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
])
def test_clean_name(name, expected):
    assert clean_name(name) == expected


@pytest.mark.parametrize(("name", "content_type", "expected"), [
    ("a.JPEG", "image/jpeg", "a.JPEG"), ("a.txt", "image/jpeg", "a.jpg"), ("scan", "application/pdf", "scan.pdf"),
    ("x.pdf", "image/png", "x.png"),
])
def test_download_name_ends_as_the_content_is(name, content_type, expected):
    assert download_name(Attachment(original_name=name, content_type=content_type)) == expected
