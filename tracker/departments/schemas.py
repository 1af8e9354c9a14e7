from marshmallow import Schema, fields, validate

KINDS = ["municipal", "county", "enterprise", "other"]


class DepartmentOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.Function(lambda d: d.kind.value, metadata={"enum": KINDS})
    active = fields.Boolean()


class DepartmentIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(load_default="municipal", validate=validate.OneOf(KINDS))


class DepartmentPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    kind = fields.String(validate=validate.OneOf(KINDS))
    active = fields.Boolean()
