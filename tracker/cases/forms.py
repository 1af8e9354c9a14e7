"""The case pool's page forms: the filter bar and the case editor."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..admin.forms import kind_label
from ..forms import ServiceForm
from ..models import Case, Department, DepartmentKind
from .labels import source_choices, status_choices
from .service import COMPLAINANT_LIMITS, LIMITS


def department_choices(departments: list[Department]) -> list[SelectChoice]:
    """About 120 departments, grouped by kind (municipal bureaus first) so they can be scanned."""
    return [SelectChoice(d.code, f"{d.name}（{d.code}）", optgroup=kind_label(kind))
            for kind in DepartmentKind for d in departments if d.kind is kind]


def placeholder(label: str | LazyString) -> SelectChoice:
    return SelectChoice("", str(label))


class CaseFilterForm(FlaskForm):
    """The GET form above the pool's table; a value that is not a choice is ignored."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    department = SelectField(_l("Department"), validators=[Optional()])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=LIMITS["category"])])
    source = SelectField(_l("Source"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    def set_choices(self, departments: list[Department]) -> None:
        self.department.choices = [placeholder(_l("All")), *department_choices(departments)]
        self.source.choices = [("", _l("All")), *source_choices()]
        self.status.choices = [("", _l("All")), *status_choices()]

    def valid_values(self) -> dict[str, str]:
        """The filters that passed validation and are not empty."""
        self.validate()
        return {name: field.data for name, field in self._fields.items()
                if field.data and not field.errors}


class CaseForm(ServiceForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=LIMITS["title"])])
    summary = TextAreaField(_l("What the citizen reports"),
                            validators=[DataRequired(), Length(max=LIMITS["summary"])])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=LIMITS["location"])])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=LIMITS["category"])])
    source = SelectField(_l("Source"), choices=source_choices)
    work_order_no = StringField(_l("Hotline work-order number"),
                                validators=[Optional(), Length(max=LIMITS["work_order_no"])])
    lead_department = SelectField(_l("Lead department"), validators=[DataRequired()])
    co_departments = SelectMultipleField(_l("Co-responsible departments"), validators=[Optional()])
    complainant_name = StringField(_l("Complainant's name"),
                                   validators=[Optional(), Length(max=COMPLAINANT_LIMITS["name"])])
    complainant_phone = StringField(_l("Complainant's phone"),
                                    validators=[Optional(), Length(max=COMPLAINANT_LIMITS["phone"])])

    # Where the service's field names land on this form.
    SERVICE_FIELDS = {"department_codes": "lead_department", "complainant.name": "complainant_name",
                      "complainant.phone": "complainant_phone"}
    SERVICE_MESSAGES = {
        "work_order_no": _l("Another case already has this work-order number."),
        "department_codes": _l("Choose existing, active departments, each only once."),
    }

    def set_choices(self, departments: list[Department]) -> None:
        choices = department_choices(departments)
        self.lead_department.choices = [placeholder(_l("Choose the lead department")), *choices]
        self.co_departments.choices = choices

    def to_data(self) -> dict:
        """The form as the service's input: the lead first, then the others in list order."""
        lead = self.lead_department.data
        others = [code for code in (self.co_departments.data or []) if code != lead]
        data = {
            "title": self.title.data or "",
            "summary": self.summary.data or "",
            "location": self.location.data or "",
            "category": self.category.data or "",
            "source": self.source.data,
            "work_order_no": self.work_order_no.data or "",
            "department_codes": [lead, *others],
            "complainant": {"name": self.complainant_name.data or "",
                            "phone": self.complainant_phone.data or ""},
        }
        return data


class CaseEditForm(CaseForm):
    status = SelectField(_l("Status"), choices=status_choices)

    def to_data(self) -> dict:
        return {**super().to_data(), "status": self.status.data}


class PublicTextForm(ServiceForm):
    """What the public, the display and the feeds read of a case."""

    public_title = StringField(_l("Public title"), validators=[DataRequired(), Length(max=LIMITS["public_title"])])
    public_summary = TextAreaField(_l("Public summary"),
                                   validators=[Optional(), Length(max=LIMITS["public_summary"])])

    def to_data(self) -> dict:
        return {"public_title": self.public_title.data or "", "public_summary": self.public_summary.data or ""}



def form_data_of(case: Case) -> dict:
    """A case's values, to fill the editor."""
    codes = [d.code for d in case.departments]
    return {
        "title": case.title, "summary": case.summary, "location": case.location,
        "category": case.category, "source": case.source.value, "status": case.status.value,
        "work_order_no": case.work_order_no or "", "lead_department": codes[0] if codes else "",
        "co_departments": codes[1:], "complainant_name": case.complainant_name,
        "complainant_phone": case.complainant_phone,
    }
