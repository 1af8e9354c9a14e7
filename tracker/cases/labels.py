"""What people read for a case's source and status (the API speaks in the plain codes)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import CaseSource, CaseStatus

SOURCE_LABELS = {
    CaseSource.HOTLINE: _l("12345 hotline"),
    CaseSource.LETTER: _l("Letter"),
    CaseSource.UNDERCOVER: _l("Reporter's undercover visit"),
    CaseSource.ONLINE: _l("Online message"),
    CaseSource.STUDIO: _l("Studio question"),
    CaseSource.OTHER: _l("Other"),
}

STATUS_LABELS = {
    CaseStatus.POOL: _l("In the pool"),
    CaseStatus.SCHEDULED: _l("Scheduled"),
    CaseStatus.AIRED: _l("Aired"),
    CaseStatus.ARCHIVED: _l("Archived"),
}


def source_label(source: CaseSource | str) -> str:
    return str(SOURCE_LABELS.get(CaseSource(source), source))


def status_label(status: CaseStatus | str) -> str:
    return str(STATUS_LABELS.get(CaseStatus(status), status))


def source_choices() -> list[tuple[str, str]]:
    return [(source.value, str(label)) for source, label in SOURCE_LABELS.items()]


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, str(label)) for status, label in STATUS_LABELS.items()]


PERSONAL_DATA_LABELS = {
    "phone": _l("Phone number"),
    "id_number": _l("ID number"),
    "email": _l("E-mail address"),
    "plate": _l("Plate number"),
    "name": _l("Name"),
}


def personal_data_label(kind: str) -> str:
    return str(PERSONAL_DATA_LABELS.get(kind, kind))
