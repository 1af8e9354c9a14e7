"""Sign-in throttling in a real browser: the delayed producer reads how long to wait, an
administrator lifts the throttle, and the producer is in."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, ngettext

from tracker.auth import throttle

pytestmark = pytest.mark.browser


@pytest.fixture
def frozen_clock(monkeypatch):
    """Time stands still, so a delay lasts until the administrator lifts it."""
    moment = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)
    monkeypatch.setattr(throttle, "clock", lambda: moment)


def test_a_delayed_producer_is_told_to_wait_and_an_administrator_lifts_it(
        page, live_server, make, login, screenshot, frozen_clock):
    producer, admin = make.user("producer", username="producer"), make.user("admin", username="boss")
    for _ in range(4):
        login(page, producer, password="not-the-password")
    login(page, producer)
    with live_server.app.test_request_context(), force_locale("zh_CN"):
        expected = ngettext("Too many failed sign-ins from your network. Please wait %(num)s second and try again.",
                            "Too many failed sign-ins from your network. Please wait %(num)s seconds and try again.",
                            1)
    assert page.inner_text(".flash-error") == expected
    assert page.url.endswith("/login")
    screenshot(page, "login-delayed")

    # The administrator signs in from the same address: its own count is still within the free failures.
    login(page, admin)
    page.goto("/admin/login-throttles")
    row = page.locator("tr", has_text="producer")
    assert row.locator("td").nth(2).inner_text() == "4"
    screenshot(page, "admin-login-throttles")
    with page.expect_navigation():
        row.locator("button").click()
    assert "producer" in page.inner_text(".flash-success")
    assert page.locator("tr", has_text="producer").count() == 0
    with page.expect_navigation():
        page.click(".session-box .link-button")  # sign out

    login(page, producer)
    assert page.url.endswith("/studio")
