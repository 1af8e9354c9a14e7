"""Evidence without metadata: what a phone or a scanner writes into a file stays out of it.

A photo's EXIF block holds where it was taken (GPS), who took it (Artist), the camera and the
time; XMP, IPTC and comments hold more. A PDF's document information names its author and the
software that made it. Evidence is published, so every image is decoded and encoded afresh from
its pixels alone (turned upright first, as its orientation tag said), and a PDF is rewritten
without its document information and XMP metadata. The upload as received is not kept.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from ..errors import InvalidError

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
JPEG_QUALITY = 90
# A pixel count no phone photo or scan reaches; beyond it an image is refused, not decoded.
MAX_PIXELS = 80_000_000


class UnreadableFile(InvalidError):
    def __init__(self) -> None:
        message = "The file cannot be read; it may be damaged."
        super().__init__(message, fields={"file": [message]})


def scrub(path: Path, content_type: str) -> None:
    """Rewrite the file at `path` in place without its metadata; `UnreadableFile` (422) when
    its content cannot be decoded."""
    if content_type in FORMATS:
        _scrub_image(path, FORMATS[content_type])
    elif content_type == "application/pdf":
        _scrub_pdf(path)


def _scrub_image(path: Path, image_format: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UnreadableFile()
                upright = ImageOps.exif_transpose(image)
                clean = _pixels_only(upright)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as error:
        raise UnreadableFile() from error
    if image_format == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
        clean = clean.convert("RGB")
    options = {"quality": JPEG_QUALITY} if image_format in ("JPEG", "WEBP") else {}
    clean.save(path, image_format, **options)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image with the same pixels and nothing else: no EXIF, XMP, IPTC, ICC or comment."""
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _scrub_pdf(path: Path) -> None:
    try:
        reader = PdfReader(path, strict=False)
        writer = PdfWriter(clone_from=reader)
    except (PdfReadError, OSError, ValueError, KeyError) as error:
        raise UnreadableFile() from error
    writer.metadata = None        # the document information: author, producer, creator, title …
    writer.xmp_metadata = None    # the catalog's XMP stream
    with open(path, "wb") as out:
        writer.write(out)
