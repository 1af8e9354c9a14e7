from marshmallow import Schema, fields, validate


class DepartmentRef(Schema):
    code = fields.String()
    name = fields.String()


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.Function(lambda user: user.role.value,
                           metadata={"enum": ["admin", "producer", "department", "supervisor"]})
    department = fields.Nested(DepartmentRef, allow_none=True)
    email = fields.String(allow_none=True)


class LoginIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256),
                             load_only=True)


class LoginOut(Schema):
    user = fields.Nested(UserOut)
    csrf_token = fields.String(metadata={"description": "send as X-CSRF-Token on cookie-authenticated writes"})
