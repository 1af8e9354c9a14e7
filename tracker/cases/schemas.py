"""What the cases API takes and gives; the same schemas validate requests and write the OpenAPI document."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..api import PageQuery
from ..models import CaseSource, CaseStatus
from .service import COMPLAINANT_LIMITS, LIMITS, masked_items

SOURCES = [source.value for source in CaseSource]
STATUSES = [status.value for status in CaseStatus]

SOURCE_DESCRIPTION = (
    "Where the case came from: `hotline` (12345热线, the 12345 government hotline), "
    "`letter` (来信, a letter), `undercover` (记者暗访, a reporter's undercover visit), "
    "`online` (网络留言, an online message), `studio` (现场提问, a question asked in the studio), "
    "`other` (其他, any other channel; an import gives it to a source word it does not know)."
)
STATUS_DESCRIPTION = (
    "`pool` (waiting to be chosen), `scheduled` (in an episode's running order), "
    "`aired` (has been on air), `archived` (set aside)."
)

TITLE_MAX, SUMMARY_MAX, LOCATION_MAX = LIMITS["title"], LIMITS["summary"], LIMITS["location"]
CATEGORY_MAX, WORK_ORDER_MAX = LIMITS["category"], LIMITS["work_order_no"]
NAME_MAX, PHONE_MAX = COMPLAINANT_LIMITS["name"], COMPLAINANT_LIMITS["phone"]
CODE_MAX = 32


class ComplainantIn(Schema):
    name = fields.String(validate=validate.Length(max=NAME_MAX))
    phone = fields.String(validate=validate.Length(max=PHONE_MAX))


class _OptionalCaseFields(Schema):
    category = fields.String(validate=validate.Length(max=CATEGORY_MAX),
                             metadata={"description": "free text, e.g. 转供电, 物业管理"})
    source = fields.String(validate=validate.OneOf(SOURCES),
                           metadata={"description": SOURCE_DESCRIPTION + " Default `hotline`."})
    location = fields.String(validate=validate.Length(max=LOCATION_MAX))
    work_order_no = fields.String(validate=validate.Length(max=WORK_ORDER_MAX),
                                  metadata={"description": "the hotline's work-order number (工单编号); unique, "
                                                           "\"\" for none"})
    complainant = fields.Nested(ComplainantIn, metadata={
        "description": "private: only admin, producer, supervisor and the case's departments read it"})


PUBLIC_TITLE_DESCRIPTION = ("what the public, the display and the feeds read as the title; by default the "
                            "title with personal data masked. Personal data in it is masked all the same.")
PUBLIC_SUMMARY_DESCRIPTION = "likewise for the summary; may be empty"


class PublicTextIn(Schema):
    public_title = fields.String(validate=validate.Length(min=1, max=TITLE_MAX),
                                 metadata={"description": PUBLIC_TITLE_DESCRIPTION})
    public_summary = fields.String(validate=validate.Length(max=SUMMARY_MAX),
                                   metadata={"description": PUBLIC_SUMMARY_DESCRIPTION})


DEPARTMENT_CODES_DESCRIPTION = (
    "codes of the responsible departments, the lead first; each once, every one known"
)


class CaseIn(_OptionalCaseFields, PublicTextIn):
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=SUMMARY_MAX))
    department_codes = fields.List(
        fields.String(validate=validate.Length(min=1, max=CODE_MAX)), required=True,
        validate=validate.Length(min=1), metadata={"description": DEPARTMENT_CODES_DESCRIPTION})


class CasePatch(_OptionalCaseFields, PublicTextIn):
    """Any subset of a case's fields; `complainant` changes only the keys it names."""

    title = fields.String(validate=validate.Length(min=1, max=TITLE_MAX))
    summary = fields.String(validate=validate.Length(min=1, max=SUMMARY_MAX))
    department_codes = fields.List(
        fields.String(validate=validate.Length(min=1, max=CODE_MAX)),
        validate=validate.Length(min=1), metadata={"description": DEPARTMENT_CODES_DESCRIPTION})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": STATUS_DESCRIPTION})


class CaseDepartmentOut(Schema):
    code = fields.String()
    name = fields.String()


class MaskedItemOut(Schema):
    field = fields.String(metadata={"description": "`title` or `summary`"})
    kind = fields.String(metadata={"description": "`phone`, `id_number`, `email`, `plate` or `name`"})
    original = fields.String(metadata={"description": "as typed in the hotline text"})
    replacement = fields.String(metadata={"description": "what the public text shows instead (may be empty)"})


class CaseOut(Schema):
    """A case as its readers see it. Every endpoint that answers with it is limited to the
    readers who may see the complainant, so the complainant is given in full."""

    id = fields.Integer()
    ref = fields.String(metadata={"description": "reference number, e.g. SY-2026-0042"})
    work_order_no = fields.String(allow_none=True)
    title = fields.String()
    summary = fields.String(metadata={"description": "the hotline text, as typed: staff only"})
    public_title = fields.String(metadata={"description": PUBLIC_TITLE_DESCRIPTION})
    public_summary = fields.String(metadata={"description": "what the public reads as the summary"})
    masked = fields.Function(lambda case: MaskedItemOut(many=True).dump(masked_items(case)), metadata={
        "type": "array", "items": {"type": "object"},
        "description": "the personal data found in the hotline text and masked in the public text"})
    location = fields.String()
    category = fields.String()
    source = fields.Function(lambda case: case.source.value,
                             metadata={"type": "string", "enum": SOURCES, "description": SOURCE_DESCRIPTION})
    status = fields.Function(lambda case: case.status.value,
                             metadata={"type": "string", "enum": STATUSES, "description": STATUS_DESCRIPTION})
    departments = fields.List(fields.Nested(CaseDepartmentOut), metadata={"description": "the lead first"})
    lead_department = fields.Function(
        lambda case: case.lead_department.code if case.lead_department else None,
        metadata={"type": "string", "description": "the lead department's code"})
    complainant = fields.Function(
        lambda case: {"name": case.complainant_name, "phone": case.complainant_phone},
        metadata={"type": "object", "description": "private, given in full",
                  "properties": {"name": {"type": "string"}, "phone": {"type": "string"}}})
    received_at = fields.DateTime(allow_none=True, metadata={
        "description": "when the hotline took the call (受理时间), from its export; null when not given"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CaseListOut(Schema):
    items = fields.List(fields.Nested(CaseOut))
    total = fields.Integer(metadata={"description": "how many cases match, over all pages"})
    total_capped = fields.Boolean(attribute="total.capped", dump_default=False, metadata={
        "description": "true when search words (`q`) match more than 1,000: `total` is then 1000, a lower bound"})


class CaseQuery(PageQuery):
    department = fields.String(metadata={"description": "a department code: cases it is responsible for"})
    category = fields.String(metadata={"description": "exact category"})
    source = fields.String(validate=validate.OneOf(SOURCES), metadata={"description": SOURCE_DESCRIPTION})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": STATUS_DESCRIPTION})
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "words separated by spaces; a case matches when it holds all of them, in any order, in its "
                       "reference, work-order number, title, summary (hotline and public), location, departments "
                       "or the officials of its commitments. Every character is literal (no operators)."})
