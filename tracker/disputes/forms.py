"""The dispute pages' forms: the follower's statement, and the supervisor's two answers."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..commitments.lifecycle import NOTE_MAX
from .service import STATEMENT_MAX


class StatementForm(FlaskForm):
    statement = TextAreaField(_l("What is still not resolved"), validators=[
        DataRequired(message=_l("Say what is still not resolved.")),
        Length(max=STATEMENT_MAX, message=_l("At most %(max)d characters.", max=STATEMENT_MAX))])
    submit = SubmitField(_l("Send: not resolved"))


def public_reason_field(label) -> TextAreaField:  # noqa: ANN001 - a lazy string
    return TextAreaField(label, validators=[
        DataRequired(message=_l("Give the public reason: the public reads it on the commitment's page.")),
        Length(max=NOTE_MAX)])


class DecisionForm(FlaskForm):
    public_reason = public_reason_field(_l("Public reason (shown on the public page)"))
    note = TextAreaField(_l("Internal note (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])
    reopen = SubmitField(_l("Reopen the commitment"))
    answer = SubmitField(_l("Answer; the verification stands"))
