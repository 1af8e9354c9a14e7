"""Test helpers: API clients that authenticate as a role; an inbox for the test SMTP server."""
from __future__ import annotations

import email
import email.policy
from typing import Any

from flask import Flask

from .factories import PASSWORD, Factory


class AuthedClient:
    """A test client sending a bearer token (or nothing, for the anonymous client)."""

    def __init__(self, app: Flask, token: str | None, user=None) -> None:
        self.client = app.test_client()
        self.token = token
        self.user = user

    def _headers(self, extra: dict | None) -> dict:
        headers = dict(extra or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def open(self, method: str, path: str, *, headers: dict | None = None, **kwargs: Any):
        return self.client.open(path, method=method, headers=self._headers(headers), **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any):
        if json is not None:
            kwargs["json"] = json
        return self.open("POST", path, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any):
        return self.open("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.open("DELETE", path, **kwargs)


class ApiClient:
    def __init__(self, app: Flask, make: Factory) -> None:
        self.app = app
        self.make = make
        self.anonymous = AuthedClient(app, None)

    def as_user(self, user) -> AuthedClient:
        return AuthedClient(self.app, self.make.token(user), user)

    def as_role(self, role: str, department=None) -> AuthedClient:
        return self.as_user(self.make.user(role, department=department))

    def session_login(self, user) -> tuple[Any, str]:
        """A cookie-authenticated client and its CSRF token."""
        client = self.app.test_client()
        response = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return client, response.get_json()["csrf_token"]


class Inbox:
    """An aiosmtpd handler that keeps every message it is given (the `smtp` fixture's)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage, bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed, envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for recipients, message, _raw in self.messages if address in recipients]


def text_of(message) -> str:
    """A mail's plain-text body."""
    return message.get_body(("plain",)).get_content()
