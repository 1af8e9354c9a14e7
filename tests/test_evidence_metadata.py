"""Evidence without metadata: a photo's GPS position and author, a PDF's author, never kept."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader

from .commitment_data import JPEG, Commitments, pdf_bytes, snapshot
from .test_commitments_evidence import stored_files, upload
from .test_workspace_pages import file, post, text_of

ARTIST, CAMERA = "Chen Xiulan", "PhoneMaker X1"   # EXIF text is ASCII
GPS_IFD, ORIENTATION, ARTIST_TAG, MAKE_TAG = 0x8825, 0x0112, 0x013B, 0x010F


@pytest.fixture
def evidence(app, api, make):
    department = make.department("ZJJ", "市住建局")
    commitment = Commitments(make).create(department)
    return commitment.id, api.as_role("department", department), api.as_role("supervisor")


def photo_with_gps(size=(40, 20)) -> bytes:
    """A JPEG as a phone writes it: GPS position, artist, camera, and "rotate 90° to view" (6)."""
    image = Image.new("RGB", size, (10, 120, 200))
    image.paste((250, 250, 0), (0, 0, 10, 10))           # a yellow corner, to see the turn
    exif = Image.Exif()
    exif[ARTIST_TAG] = ARTIST
    exif[MAKE_TAG] = CAMERA
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (32.0, 37.0, 30.5), 3: "E", 4: (110.0, 47.0, 12.25)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"shot at Xingfu Road 3", quality=95)
    return buffer.getvalue()


def test_the_source_photo_carries_what_must_go():
    with Image.open(io.BytesIO(photo_with_gps())) as image:
        exif = image.getexif()
        assert exif[ARTIST_TAG] == ARTIST and exif.get_ifd(GPS_IFD)[1] == "N" and image.size == (40, 20)


def test_a_photo_is_kept_and_served_without_gps_or_artist_and_upright(app, evidence):
    commitment_id, department, supervisor = evidence
    original = photo_with_gps()
    response = upload(department, commitment_id, original, "现场.jpg")
    assert response.status_code == 201, response.get_json()
    [stored] = stored_files(app)
    served = supervisor.get(response.get_json()["url"], buffered=True).data
    assert served == stored.read_bytes() != original
    assert ARTIST.encode() not in served and CAMERA.encode() not in served and b"Exif" not in served
    assert b"Xingfu" not in served
    with Image.open(io.BytesIO(served)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "comment" not in image.info and "xmp" not in image.info
        assert image.size == (20, 40)                                # turned upright
        assert image.convert("RGB").getpixel((15, 2))[2] < 100       # the yellow corner, now top right


def test_png_text_and_webp_exif_are_dropped(app, evidence):
    commitment_id, department, _supervisor = evidence
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", ARTIST)
    png, webp = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG", pnginfo=info)
    exif = Image.Exif()
    exif[ARTIST_TAG] = ARTIST
    Image.new("RGB", (8, 8)).save(webp, "WEBP", exif=exif)
    for content, name in ((png.getvalue(), "a.png"), (webp.getvalue(), "b.webp")):
        assert ARTIST.encode() in content
        assert upload(department, commitment_id, content, name, "image/png").status_code == 201
    for stored in stored_files(app):
        assert ARTIST.encode() not in stored.read_bytes()


def test_a_pdf_is_kept_without_its_author_or_producer(app, evidence):
    commitment_id, department, supervisor = evidence
    original = pdf_bytes({"/Author": ARTIST, "/Producer": "ScanSoft PDF", "/Creator": "HP Scanner",
                          "/Title": "陈秀兰身份证复印件"})
    assert PdfReader(io.BytesIO(original)).metadata["/Author"] == ARTIST
    response = upload(department, commitment_id, original, "整改报告.pdf", "application/pdf")
    assert response.status_code == 201, response.get_json()
    served = supervisor.get(response.get_json()["url"], buffered=True).data
    reader = PdfReader(io.BytesIO(served))
    assert not reader.metadata and len(reader.pages) == 1
    for secret in (ARTIST.encode(), b"ScanSoft", b"HP Scanner"):
        assert secret not in served


@pytest.mark.parametrize("content", [JPEG[:20] + b"\x00" * 40, b"%PDF-1.4\nnot a document at all"])
def test_a_file_that_cannot_be_decoded_is_refused_and_nothing_is_kept(app, evidence, content):
    commitment_id, department, _supervisor = evidence
    before = snapshot(commitment_id)
    response = upload(department, commitment_id, content, "坏文件.jpg")
    assert response.status_code == 422
    assert "file" in response.get_json()["error"]["fields"]
    assert snapshot(commitment_id) == before and stored_files(app) == []
    assert not list(Path(app.config["UPLOAD_FOLDER"]).glob(".*.part"))     # no partial file either


def test_the_department_page_says_a_damaged_photo_cannot_be_read(make, api):
    zjj = make.department("ZJJ", "市住建局")
    commitment = Commitments(make).create(zjj)
    client, csrf = api.session_login(make.user("department", department=zjj))
    before = snapshot(commitment.id)
    response = post(client, f"/dept/commitments/{commitment.id}/evidence?lang=en",
                    {"file": file(JPEG[:20] + b"\x00" * 40, "坏.jpg", "image/jpeg")}, csrf, "evidence")
    assert response.status_code == 422
    assert "cannot be read" in text_of(response)
    assert snapshot(commitment.id) == before
