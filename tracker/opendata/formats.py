"""How open data goes out: Open311 JSON and XML (answers and errors), with their media types."""
from __future__ import annotations

import json
from xml.etree import ElementTree

from flask import Response

from ..bounds import without_control_characters

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
# Open311 answers are public and change slowly; a minute of caching spares the database.
OPEN311_CACHE = "public, max-age=60"


def open311(fmt: str, root: str, item: str, records: list[dict], status: int = 200) -> Response:
    """A list of records: a JSON array, or `<root><item><field>…</field></item></root>`."""
    if fmt == "xml":
        body = _xml(root, item, records)
        response = Response(body, status=status, content_type=XML_TYPE)
    else:
        response = Response(json.dumps(records, ensure_ascii=False), status=status, content_type=JSON_TYPE)
    if status == 200:
        response.headers["Cache-Control"] = OPEN311_CACHE
    return response


def open311_error(fmt: str, status: int, description: str) -> Response:
    """The spec's error shape: `[{"code": 400, "description": "…"}]` or `<errors><error>…`."""
    return open311(fmt, "errors", "error", [{"code": status, "description": description}], status)


def _xml(root: str, item: str, records: list[dict]) -> bytes:
    top = ElementTree.Element(root)
    for record in records:
        element = ElementTree.SubElement(top, item)
        for name, value in record.items():
            ElementTree.SubElement(element, name).text = _text(value)
    return ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return without_control_characters(str(value))
