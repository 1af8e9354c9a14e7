"""Masking a complainant's name and phone for readers who may not see them in full.

Displays, the public pages and the public API never carry the complainant; where a page
for other readers must still hint at who complained, it shows these masked forms:
`mask_name("张秀兰") == "张**"`, `mask_phone("13900000001") == "139****0001"`.
Both work on characters (code points), so names outside the Basic Multilingual Plane
(𠀀 …) are masked as one character each, never split in half.
"""
from __future__ import annotations

import unicodedata

__all__ = ["mask_name", "mask_phone"]

MASK = "*"
MOBILE_LENGTH = 11
CHINA_PREFIX = "86"


def mask_name(name: str | None) -> str:
    """The first character and one `*` for every other one (at least one); "" for no name."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + MASK * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """A phone number with only a few digits left.

    An 11-digit mobile (optionally written with +86) keeps its first 3 and last 4 digits:
    `139****0001`. Any other number keeps at most its last 4 digits, and never more than
    half of them, so a short extension is not given away whole. Separators are dropped.
    Text with no digits at all becomes `****`; no phone gives "".
    """
    text = (phone or "").strip()
    if not text:
        return ""
    digits = _ascii_digits(text)
    if not digits:
        return MASK * 4
    if len(digits) == MOBILE_LENGTH + len(CHINA_PREFIX) and digits.startswith(CHINA_PREFIX + "1"):
        digits = digits[len(CHINA_PREFIX):]
    if len(digits) == MOBILE_LENGTH and digits.startswith("1"):
        return digits[:3] + MASK * 4 + digits[-4:]
    kept = min(4, len(digits) // 2)
    return MASK * (len(digits) - kept) + (digits[-kept:] if kept else "")


def _ascii_digits(text: str) -> str:
    # Full-width digits (１３９…) are common in typed Chinese text; read them as 0–9.
    return "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
