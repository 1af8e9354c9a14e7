"""The desk's forms: the filter bar above every list, and the supervisor's actions on a commitment.

The action forms carry a prefix each, so that all of them can sit on one page without their
fields' ids colliding.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..cases.forms import department_choices, placeholder
from ..commitments.lifecycle import NOTE_MAX
from ..commitments.present import satisfaction_choices, status_choices
from ..models import Department, Episode

URGENCY_LABELS = {"overdue": _l("Overdue"), "due_soon": _l("Due within 3 days")}


def episode_label(episode: Episode) -> str:
    return f"{_l('Episode %(number)s', number=episode.number)} · {episode.title}"


class DeskFilterForm(FlaskForm):
    """The GET form above a list; a value that is not one of the choices is ignored."""

    class Meta:
        csrf = False

    department = SelectField(_l("Department"), validators=[Optional()])
    episode = SelectField(_l("Episode"), validators=[Optional()])
    urgency = SelectField(_l("Urgency"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    def set_choices(self, departments: list[Department], episodes: list[Episode]) -> None:
        self.department.choices = [placeholder(_l("All")), *department_choices(departments)]
        self.episode.choices = [("", _l("All")), *((str(e.id), episode_label(e)) for e in episodes)]
        self.urgency.choices = [("", _l("All")), *URGENCY_LABELS.items()]
        if self.status is not None:  # only the list of all commitments filters by status
            self.status.choices = [("", _l("All")), *status_choices()]

    def valid_values(self) -> dict[str, str]:
        """The filters that passed validation and are not empty."""
        self.validate()
        return {name: field.data for name, field in self._fields.items() if field.data and not field.errors}


def note_field(label: str | LazyString, required: bool) -> TextAreaField:
    first = DataRequired(message=_l("Say why: this note is required.")) if required else Optional()
    return TextAreaField(label, validators=[first, Length(max=NOTE_MAX)])


def public_reason_field(label, required: bool) -> TextAreaField:  # noqa: ANN001 - a lazy string
    first = DataRequired(message=_l("Give the public reason: the public reads it on the commitment's page.")) \
        if required else Optional()
    return TextAreaField(label, validators=[first, Length(max=NOTE_MAX)])


class VerifyForm(FlaskForm):
    satisfaction = RadioField(_l("The citizen's satisfaction (from the call-back)"), choices=satisfaction_choices,
                              validators=[InputRequired(message=_l("Choose the citizen's satisfaction."))])
    note = note_field(_l("Note"), required=False)
    # Required when the citizen is not satisfied (checked by the service: 422 beside the field).
    public_reason = public_reason_field(_l("Public reason (required if the citizen is not satisfied)"),
                                        required=False)
    evidence = FileField(_l("Evidence (optional)"))
    submit = SubmitField(_l("Verify"))


class ReopenForm(FlaskForm):
    note = note_field(_l("What is still missing"), required=True)
    public_reason = public_reason_field(_l("Public reason (optional)"), required=False)
    submit = SubmitField(_l("Send back"))


class CloseForm(FlaskForm):
    note = note_field(_l("Why it cannot be fulfilled"), required=True)
    public_reason = public_reason_field(_l("Public reason (shown on the public page)"), required=True)
    submit = SubmitField(_l("Close as unfulfilled"))


class ExtensionDecisionForm(FlaskForm):
    note = note_field(_l("Note"), required=False)
    public_reason = public_reason_field(_l("Public reason (optional; shown when approved)"), required=False)
    approve = SubmitField(_l("Approve the extension"))
    reject = SubmitField(_l("Refuse the extension"))


class EvidenceForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Add evidence"))


class PublishForm(FlaskForm):
    """Only the CSRF token: the button says whether to publish or withdraw."""


def action_forms(**given: FlaskForm) -> dict[str, FlaskForm]:
    """Every action form of the detail page, the submitted one (in `given`) as it was sent."""
    forms = {"verify": VerifyForm, "reopen": ReopenForm, "close": CloseForm,
             "extension": ExtensionDecisionForm, "evidence": EvidenceForm}
    return {name: given.get(name) or form_class(prefix=name, formdata=None)
            for name, form_class in forms.items()}
