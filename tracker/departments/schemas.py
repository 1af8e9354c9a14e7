from marshmallow import Schema, fields, validate

from .service import CODE_PATTERN

CODE_RULE = "1–32 letters, digits, '-' or '_', starting with a letter or digit."

KINDS = ["municipal", "county", "enterprise", "other"]


class DepartmentOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.Function(lambda d: d.kind.value, metadata={"enum": KINDS})
    active = fields.Boolean()


class DepartmentIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(CODE_PATTERN, error=CODE_RULE),
                         metadata={"description": "1–32 letters, digits, `-` or `_`, starting with a letter or digit"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(load_default="municipal", validate=validate.OneOf(KINDS))


class DepartmentPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    kind = fields.String(validate=validate.OneOf(KINDS))
    active = fields.Boolean()
