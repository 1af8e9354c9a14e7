"""Checking an email address a citizen typed, without a third-party validator.

Accepted: an ASCII dot-atom local part (what every mail provider hands out) at a domain of at
least two labels, given in ASCII or in Unicode (e.g. 例子.中国, turned into its IDNA form).
Quoted local parts and Unicode local parts are refused: they are legal but rare, and many
servers on the way would refuse them anyway. The result is lower-cased so the same person
typing `Wang@QQ.com` and `wang@qq.com` follows once.
"""
from __future__ import annotations

import re

MAX_LENGTH = 254   # RFC 5321: the longest path a server must accept
MAX_LOCAL = 64

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
TOP_LABEL = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")


def normalise_email(value: str | None) -> str | None:
    """The address in the form we store, or None when it is not one we can mail."""
    text = (value or "").strip()
    if not text or len(text) > MAX_LENGTH or text.count("@") != 1 or any(c.isspace() for c in text):
        return None
    local, domain = text.split("@")
    if not 0 < len(local) <= MAX_LOCAL or not LOCAL_PART.fullmatch(local):
        return None
    ascii_domain = _ascii_domain(domain.rstrip(".").lower())
    if ascii_domain is None:
        return None
    address = f"{local.lower()}@{ascii_domain}"
    return address if len(address) <= MAX_LENGTH else None


def _ascii_domain(domain: str) -> str | None:
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(LABEL.fullmatch(label) for label in labels[:-1]):
        return None
    return domain if TOP_LABEL.fullmatch(labels[-1]) else None
