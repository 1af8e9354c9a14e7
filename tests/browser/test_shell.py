"""The interface shell in a real browser: sign-in, each role's start page, language, phones."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext

from tracker.extensions import db
from tracker.models import CaseStatus, EpisodeStatus

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
FULL_HD = {"width": 1920, "height": 1080}
LANDINGS = {"producer": "/studio", "department": "/dept", "supervisor": "/oversight", "admin": "/admin"}


@pytest.fixture
def city(make):
    """A small believable city: four departments, a dozen cases, three aired episodes."""
    zjj = make.department("ZJJ", "市住建局")
    cgj = make.department("CGJ", "市城管局")
    power = make.department("GDGS", "供电公司", kind="enterprise")
    county = make.department("FX", "房县人民政府", kind="county")
    cases = [
        ("幸福路断头路十年未打通", [zjj, county], CaseStatus.AIRED),
        ("城东商业街转供电加价收费", [power], CaseStatus.AIRED),
        ("阳光小区物业撤场无人管理", [zjj], CaseStatus.SCHEDULED),
        ("老旧小区改造后外墙脱落", [zjj, cgj], CaseStatus.POOL),
        ("菜市场周边占道经营严重", [cgj], CaseStatus.POOL),
        ("电动车充电棚迟迟未建", [cgj, zjj], CaseStatus.POOL),
        ("山区饮水工程停水半月", [county], CaseStatus.AIRED),
        ("医院周边停车难", [cgj], CaseStatus.ARCHIVED),
    ]
    for title, departments, status in cases:
        make.case(title, departments=departments, status=status)
    for number, title, day in [(41, "聚焦城市建设", date(2026, 11, 6)), (42, "民生用电", date(2026, 11, 13)),
                               (43, "物业管理大家谈", date(2026, 11, 20))]:
        make.episode(number, title, day).status = EpisodeStatus.ENDED
    make.episode(44, "老旧小区改造回头看", date(2026, 12, 4))
    db.session.commit()
    users = {role: make.user(role, department=zjj if role == "department" else None) for role in LANDINGS}
    return SimpleNamespace(users=users, department=zjj)


def zh(app, msgid: str, **variables) -> str:
    """What the Chinese interface says for `msgid` (the English text until it is translated)."""
    with app.test_request_context(), force_locale("zh_CN"):
        return gettext(msgid, **variables)


def path_of(page) -> str:
    return urlsplit(page.url).path


def test_the_login_page_speaks_chinese_first(page, live_server):
    page.goto("/login")

    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("h1") == zh(live_server.app, "Sign in")
    assert page.is_visible("label[for=username]") and page.is_visible("label[for=password]")
    assert page.evaluate("document.activeElement.id") == "username"
    assert page.inner_text(".lang-switch") == "English"


@pytest.mark.parametrize("role", LANDINGS)
def test_each_role_signs_in_and_lands_on_its_own_page(page, live_server, city, login, role):
    login(page, city.users[role])

    assert path_of(page) == LANDINGS[role]
    assert page.get_attribute(f".main-nav a[href='{LANDINGS[role]}']", "aria-current") == "page"
    headings = {"producer": zh(live_server.app, "Studio"), "supervisor": zh(live_server.app, "Oversight"),
                "department": "市住建局"}
    if role in headings:
        assert page.inner_text("h1") == headings[role]
    assert city.users[role].username in page.inner_text(".whoami")


def test_a_wrong_password_is_refused_with_a_readable_message(page, live_server, city, login):
    login(page, city.users["producer"], password="not-the-password")

    assert path_of(page) == "/login"
    assert page.inner_text(".flash-error") == zh(live_server.app, "Wrong username or password.")
    assert page.locator(".whoami").count() == 0
    page.goto("/studio")
    assert path_of(page) == "/login"


def test_the_language_switch_turns_the_interface_english_and_back(page, live_server, city, login):
    login(page, city.users["producer"])

    page.click(".lang-switch")
    assert path_of(page) == "/studio"
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Studio"
    assert page.inner_text(".lang-switch") == "中文"

    page.click(".lang-switch")
    assert path_of(page) == "/studio"
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("h1") == zh(live_server.app, "Studio")


def test_the_public_page_shows_real_figures_and_no_private_data(page, city):
    page.goto("/")

    figures = page.locator(".stats .stat-value").all_inner_texts()
    assert figures == ["3", "3", "3"]  # episodes ended, cases aired, departments behind them
    assert "物业管理大家谈" in page.inner_text("main")
    assert "张秀兰" not in page.content() and "13900000001" not in page.content()


def test_a_department_sees_its_cases_and_opens_them_by_reference(page, city, login):
    login(page, city.users["department"])

    rows = page.locator(".dept-cases li")
    assert rows.count() == 4  # the cases 市住建局 answers for, as lead or jointly
    assert "菜市场周边占道经营严重" not in page.inner_text("main")  # 市城管局's alone
    first = page.locator(".dept-cases li a").first
    assert first.get_attribute("href").startswith("/cases/")


def no_sideways_scroll(page) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path_of(page)} is {width}px wide on a 375px phone"
    for box in (link.bounding_box() for link in page.locator(".main-nav a").all()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page"])
def test_anonymous_pages_fit_a_phone(page, path):
    page.goto(path)
    no_sideways_scroll(page)


@pytest.mark.parametrize("role", LANDINGS)
def test_every_start_page_fits_a_phone(page, city, login, role):
    login(page, city.users[role])
    no_sideways_scroll(page)


def capture(page, screenshot, name: str) -> None:
    for size, suffix in ((FULL_HD, "1920"), (PHONE, "375")):
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{suffix}")


def test_screenshots_of_the_shell(page, city, login, screenshot):
    """For people to look at: test-artifacts/screenshots/*.png at 1920×1080 and 375×812."""
    for name, path in (("public", "/"), ("login", "/login"), ("404", "/no-such-page")):
        page.goto(path)
        capture(page, screenshot, name)
    login(page, SimpleNamespace(username="nobody"), password="wrong-password")
    capture(page, screenshot, "login-refused")
    for role, user in city.users.items():
        page.set_viewport_size(FULL_HD)
        login(page, user)
        capture(page, screenshot, f"landing-{role}")
        with page.expect_navigation():
            page.click(".session-box .link-button")  # sign out
        assert path_of(page) == "/login"
