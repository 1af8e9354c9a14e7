"""The workspace's forms: the list's filters and the five things a department does to a commitment.

The services check everything again; these give early, translated messages, and turn the
services' refusals into messages next to the fields they concern.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, DateField, IntegerField, SearchField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..commitments import evidence, rules
from ..commitments.lifecycle import NOTE_MAX
from ..commitments.present import status_choices
from ..commitments.scrub import UnreadableFile
from ..errors import AppError
from ..forms import ServiceForm
from ..models import Episode

YES = "true"
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"
FILE_HINT = _l("A photo (JPEG, PNG, WebP) or a PDF document, at most %(size)s.")
NOT_ACCEPTED = _l("This file is not a JPEG, PNG or WebP image or a PDF document (judged by its content, "
                  "not its name).")
TOO_LARGE = _l("The file is larger than %(size)s.")
EMPTY = _l("The file is empty.")
PAST_DAY = _l("That day has already passed; choose today or a later day.")
DAMAGED = _l("The file cannot be read; it may be damaged.")
REQUIRED = _l("Write a note; it goes into the timeline.")


def size_limit() -> str:
    return evidence.describe_size(evidence.max_bytes())


class FilterForm(FlaskForm):
    """The GET form above the list, with the API's names (`overdue=true`); a value that is not a
    choice is ignored."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    episode = SelectField(_l("Episode"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue"))
    due_soon = BooleanField(_l("Due within 3 days"))
    extension_pending = BooleanField(_l("Extension requested"))
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])  # words, as tracker/search.py reads them

    def set_choices(self, episodes: list[Episode]) -> None:
        self.status.choices = [("", _l("All")), *status_choices()]
        self.episode.choices = [("", _l("All")), *[(str(e.id), episode_label(e)) for e in episodes]]

    def valid_values(self) -> dict[str, str]:
        """The filters that passed validation and are set, as they go in the address."""
        self.validate()
        return {name: YES if field.data is True else field.data
                for name, field in self._fields.items() if field.data and not field.errors}


def episode_label(episode: Episode) -> str:
    return str(_l("No. %(number)s · %(title)s", number=episode.number, title=episode.title))


def file_problem(upload: FileStorage) -> str | None:
    """Why this upload will be refused, judged as `evidence.add_evidence` judges it, before
    anything is changed; `None` when it will be kept."""
    stream = upload.stream
    head = stream.read(evidence.CHUNK)
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if not head:
        return str(EMPTY)
    if evidence.sniff(head) is None:
        return str(NOT_ACCEPTED)
    if size > evidence.max_bytes():
        return str(TOO_LARGE % {"size": size_limit()})
    return None


def chosen(field: FileField) -> FileStorage | None:
    data = field.data
    return data if isinstance(data, FileStorage) and data.filename else None


def _acceptable_file(_form: FlaskForm, field: FileField) -> None:
    upload = chosen(field)
    if upload is not None:
        problem = file_problem(upload)
        if problem:
            raise ValidationError(problem)


class ActionForm(ServiceForm):
    """A form that posts one operation; `show_error` puts a service's refusal on it."""


def note_field(label: str | LazyString) -> TextAreaField:
    return TextAreaField(label, validators=[InputRequired(REQUIRED), Length(max=NOTE_MAX)], render_kw={"rows": 3})


class ProgressForm(ActionForm):
    note = note_field(_l("What has been done"))
    percent = IntegerField(_l("Progress (%)"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("A whole number from 0 to 100."))],
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"})
    file = FileField(_l("Evidence (optional)"), validators=[_acceptable_file], render_kw={"accept": ACCEPT})
    SERVICE_MESSAGES = {"note": REQUIRED, "percent": _l("A whole number from 0 to 100.")}


class EvidenceForm(ActionForm):
    file = FileField(_l("File"), validators=[_acceptable_file], render_kw={"accept": ACCEPT})

    def validate_file(self, field: FileField) -> None:
        if chosen(field) is None:
            raise ValidationError(_l("Choose a file to upload."))


class ClaimDoneForm(ActionForm):
    note = note_field(_l("What was done"))
    SERVICE_MESSAGES = {"note": REQUIRED}


class UnfulfillableForm(ActionForm):
    note = note_field(_l("Why it cannot be fulfilled"))
    SERVICE_MESSAGES = {"note": REQUIRED}


class ExtensionForm(ActionForm):
    deadline = DateField(_l("New deadline"), validators=[InputRequired(_l("Choose the new deadline."))])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_l("Say why more time is needed.")),
                                                     Length(max=NOTE_MAX)], render_kw={"rows": 3})
    public_reason = TextAreaField(_l("Public reason (optional)"), validators=[Optional(), Length(max=NOTE_MAX)],
                                  render_kw={"rows": 2})
    SERVICE_MESSAGES = {"reason": _l("Say why more time is needed.")}

    def __init__(self, *args: Any, current_deadline: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_deadline = current_deadline
        if current_deadline is not None:
            self.deadline.render_kw = {"min": max(current_deadline + timedelta(days=1), rules.today()).isoformat()}
            self.SERVICE_MESSAGES = {**self.SERVICE_MESSAGES, "deadline": after_message(current_deadline)}

    def validate_deadline(self, field: DateField) -> None:
        if self.current_deadline is not None and field.data and field.data <= self.current_deadline:
            raise ValidationError(after_message(self.current_deadline))
        if field.data and field.data < rules.today():
            raise ValidationError(str(PAST_DAY))


def after_message(current: date) -> str:
    return str(_l("Choose a day after the current deadline, %(date)s.", date=current.isoformat()))


def evidence_message(error: AppError) -> str:
    """A refused upload in the reader's language: too large, not an accepted type, damaged, or empty."""
    if error.status == 413:
        return str(TOO_LARGE % {"size": size_limit()})
    if error.status == 415:
        return str(NOT_ACCEPTED)
    return str(DAMAGED if isinstance(error, UnreadableFile) else EMPTY)
