"""The episode pages' forms: plan a new episode, edit one."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import ServiceForm
from ..models import Episode


def studio_zone() -> ZoneInfo:
    """The station's clock (Asia/Shanghai): the times a producer types are on it."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def on_air_day(day: date | None, moment: time | None) -> datetime | None:
    """A time of day on the air date, in the station's zone, as an aware datetime."""
    if day is None or moment is None:
        return None
    return datetime.combine(day, moment, tzinfo=studio_zone())


class EpisodeForm(ServiceForm):
    number = IntegerField(_l("Number"), validators=[Optional(), NumberRange(min=1, max=999999)])
    title = StringField(_l("Title or topic"), validators=[DataRequired(), Length(max=200)])
    air_date = DateField(_l("Air date"), validators=[DataRequired()])
    start_time = TimeField(_l("Scheduled start"), validators=[Optional()])
    end_time = TimeField(_l("Scheduled end"), validators=[Optional()])

    SERVICE_MESSAGES = {"number": _l("Another episode already has this number.")}

    def validate_end_time(self, field: TimeField) -> None:
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The end must be after the start."))

    def to_data(self) -> dict:
        """The form as the episodes service's input; times become aware datetimes."""
        data = {
            "title": (self.title.data or "").strip(),
            "air_date": self.air_date.data,
            "scheduled_start": on_air_day(self.air_date.data, self.start_time.data),
            "scheduled_end": on_air_day(self.air_date.data, self.end_time.data),
        }
        if self.number.data:
            data["number"] = self.number.data
        return data


def form_data_of(episode: Episode) -> dict:
    """An episode's values for the editor, its times on the station's clock."""
    zone = studio_zone()
    return {
        "number": episode.number, "title": episode.title, "air_date": episode.air_date,
        "start_time": episode.scheduled_start.astimezone(zone).time() if episode.scheduled_start else None,
        "end_time": episode.scheduled_end.astimezone(zone).time() if episode.scheduled_end else None,
    }
