"""What the users and tokens API takes and answers; the OpenAPI document is built from these."""
from typing import Any

from marshmallow import Schema, fields, validate

from ..api import PageQuery
from ..auth.schemas import DepartmentRef
from ..auth.service import MIN_PASSWORD_LENGTH, TOKEN_PREFIX
from ..models import Role

ROLES = [role.value for role in Role]


def _password(description: str, **kwargs: Any) -> fields.String:
    return fields.String(load_only=True, validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=256),
                         metadata={"description": f"{description}, at least {MIN_PASSWORD_LENGTH} characters"},
                         **kwargs)


class AccountOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    email = fields.String(allow_none=True)
    role = fields.Function(lambda user: user.role.value, metadata={"enum": ROLES})
    department = fields.Nested(DepartmentRef, allow_none=True,
                               metadata={"description": "only for the department role"})
    active = fields.Boolean(metadata={"description": "a deactivated account cannot sign in; its tokens stop working"})
    created_at = fields.DateTime()
    last_login_at = fields.DateTime(allow_none=True)


class AccountListOut(Schema):
    items = fields.List(fields.Nested(AccountOut))
    total = fields.Integer(metadata={"description": "matching accounts on all pages"})


class AccountQuery(PageQuery):
    role = fields.String(validate=validate.OneOf(ROLES))
    department = fields.String(validate=validate.Length(max=32), metadata={"description": "a department code"})
    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "part of the username, display name or e-mail"})
    active = fields.Boolean()


class AccountIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = _password("the first password", required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    department_code = fields.String(allow_none=True, validate=validate.Length(max=32),
                                    metadata={"description": "required for, and only for, the department role"})
    email = fields.Email(allow_none=True, validate=validate.Length(max=254),
                         metadata={"description": "where reminders go"})
    display_name = fields.String(load_default="", validate=validate.Length(max=100),
                                 metadata={"description": "defaults to the username"})


class AccountPatch(Schema):
    display_name = fields.String(validate=validate.Length(max=100))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254), metadata={"description": "null clears it"})
    role = fields.String(validate=validate.OneOf(ROLES),
                         metadata={"description": "leaving the department role leaves the department"})
    department_code = fields.String(allow_none=True, validate=validate.Length(max=32))
    active = fields.Boolean(metadata={"description": "false signs the account out everywhere at once"})
    password = _password("a new password")


class ApiTokenOut(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.Function(lambda token: TOKEN_PREFIX + token.prefix,
                             metadata={"description": "the token's first characters, to recognise it by"})
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class NewApiTokenOut(ApiTokenOut):
    token = fields.String(metadata={"description": "the bearer token itself: shown now and never again"})


class ApiTokenIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"description": "what the token is for, e.g. 演播室大屏"})
