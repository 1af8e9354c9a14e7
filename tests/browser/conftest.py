"""Browser tests: the app served for real, driven through Debian's Chromium by Playwright.

`live_server` serves the SQLite test app on a free local port; `page` is a fresh browser tab
that fails its test on any console error or uncaught page error (a blocked inline script or
style shows up there as a Content-Security-Policy violation). Where Chromium or Playwright is
missing the tests skip with the reason, unless `TRACKER_REQUIRE_SERVICES=1`.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from ..databases import missing_service
from ..factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # the test extra is not installed: the browser fixture says so
    sync_playwright = None
    PlaywrightError = Exception


@dataclass
class LiveServer:
    app: Flask
    url: str

    def at(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def app(sqlite_app):
    """Browser tests look at pages, not at the database: SQLite only (see tests/conftest.py)."""
    return sqlite_app


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The app served by werkzeug in a background thread on 127.0.0.1 and a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, started once for the whole run."""
    if sync_playwright is None:
        missing_service("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        missing_service(f"Chromium is not installed at {CHROMIUM} (apt install chromium)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        playwright.stop()
        missing_service(f"Chromium did not start: {str(error).splitlines()[0]}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(request, browser, live_server):
    """A new tab in a fresh context (1280×800, zh-CN) that records console and page errors."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="zh-CN")
    tab = context.new_page()
    problems: list[str] = []
    documents: set[str] = set()

    def on_console(message) -> None:
        where = message.location.get("url")
        # A page's own status (the 404 page answers 404) is what a test checks, not a fault.
        if message.type != "error" or (where in documents and message.text.startswith("Failed to load resource")):
            return
        problems.append(f"console error: {message.text} at {where}")

    tab.on("request", lambda req: documents.add(req.url) if req.is_navigation_request() else None)
    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    request.node.browser_problems = problems  # checked by pytest_runtest_call below
    yield tab
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test fails when its page logged an error, even if its assertions passed."""
    result = yield
    problems = getattr(item, "browser_problems", None)
    if problems:
        raise AssertionError("The browser reported errors:\n  " + "\n  ".join(problems))
    return result


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait for the page it leads to."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def take_screenshot(page, name: str) -> Path:
    """The whole page as test-artifacts/screenshots/<name>.png (for people to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def login():
    """`login(page, user)`: signs `user` in through the login form."""
    return lambda page, user, password=PASSWORD: log_in(page, user.username, password)


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: saves test-artifacts/screenshots/<name>.png."""
    return take_screenshot
