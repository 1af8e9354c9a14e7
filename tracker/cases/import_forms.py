"""Forms of the import page: the upload, and the column mapping shown with the preview."""
from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from openpyxl.utils import get_column_letter
from wtforms import BooleanField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice

from .import_mapping import FIELDS, ImportField
from .importer import ImportOptions

FIELD_PREFIX = "column_"


class UploadForm(FlaskForm):
    file = FileField(_l("Hotline export (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file to upload."))])


class MappingFormBase(FlaskForm):
    """For each of our fields, the file's column it comes from ("" = not imported)."""

    confirm_aired = BooleanField(_l("Update the cases that have been on air with the changes shown"))
    replace_public_text = BooleanField(_l("Also replace their public text with the new title and summary "
                                          "(personal data masked)"))

    def validate_replace_public_text(self, field: BooleanField) -> None:
        if field.data and not self.confirm_aired.data:
            raise ValidationError(_("Replacing the public text of aired cases needs the confirmation above."))

    def options(self) -> ImportOptions:
        return ImportOptions(confirm_aired=bool(self.confirm_aired.data),
                             replace_public_text=bool(self.confirm_aired.data and self.replace_public_text.data))

    def column_fields(self) -> list[tuple[ImportField, SelectField]]:
        return [(f, self[FIELD_PREFIX + f.name]) for f in FIELDS]

    def mapping(self) -> dict[str, int | None]:
        return {f.name: int(select.data) if select.data else None for f, select in self.column_fields()}


def column_label(index: int, name: str) -> str:
    """`B · 标题`: the letter Excel shows above the column, then its header."""
    return f"{get_column_letter(index + 1)} · {name or _('(no name)')}"


def mapping_form(columns: Sequence[str], *, mapping: dict[str, int | None] | None = None) -> MappingFormBase:
    """The mapping form for a file with these header cells.

    With `mapping` it shows that mapping (the first preview); without, it reads the posted form.
    """
    choices = [SelectChoice("", _("— not imported —"))]
    choices += [SelectChoice(str(i), column_label(i, name)) for i, name in enumerate(columns)]
    form_class = type("MappingForm", (MappingFormBase,), {
        FIELD_PREFIX + f.name: SelectField(f.label, choices=choices, default="") for f in FIELDS
    })
    if mapping is None:
        return form_class()
    initial = {FIELD_PREFIX + name: "" if index is None else str(index) for name, index in mapping.items()}
    return form_class(formdata=None, **initial)
