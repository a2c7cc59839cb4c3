"""The user journeys in a real browser: Debian's Chromium driven by Playwright (sync API) against
Django's live server with the Đức Thọ demo loaded.

- No Chromium (or no Playwright): every journey is skipped with the reason, unless the
  environment says DVCTT_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
- One browser for the whole folder, a new context (cookies, viewport 1366×768) per person.
  The browser is stopped as soon as the last journey of this folder has run: Playwright's sync
  API keeps an asyncio loop running in the main thread, which Django's ORM would refuse in the
  tests that follow.
- Screenshots go to test-artifacts/screenshots/ (CI keeps the folder); with
  DVCTT_UPDATE_SCREENSHOTS=1 also to docs/screenshots/, the ones the README shows.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from targets.reference_data import DEMO_PASSWORD, load_demo_counts, load_demo_logins, load_reference

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
HERE = Path(__file__).resolve().parent

CHROMIUM = os.environ.get("DVCTT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000

_running = {}  # the Playwright driver and browser while the journeys run


def _browser_missing() -> str:
    """Why the journeys cannot run here, or "" when they can."""
    if not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    return ""


def _stop_browser():
    browser, driver, previous = (_running.pop(key, None) for key in ("browser", "driver", "previous_env"))
    if browser is not None:
        browser.close()
    if driver is not None:
        driver.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing()
    if reason:
        if os.environ.get("DVCTT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DVCTT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        _running["skipped"] = reason
        pytest.skip(f"browser journeys need Chromium: {reason}")
    from playwright.sync_api import sync_playwright

    # The sync API runs an event loop in this thread; the tests' own ORM calls stay synchronous.
    _running["previous_env"] = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    driver = sync_playwright().start()
    _running["driver"] = driver
    _running["browser"] = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield _running["browser"]
    _stop_browser()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop the browser once the next test is not a journey of this folder (after the test's own
    fixtures have closed their contexts)."""
    try:
        return (yield)
    finally:
        if nextitem is None or HERE not in Path(str(nextitem.path)).parents:
            _stop_browser()


def pytest_terminal_summary(terminalreporter):
    if _running.get("skipped"):
        terminalreporter.write_line(
            f"Browser journeys (tests/e2e) SKIPPED: {_running['skipped']}. "
            "Set DVCTT_REQUIRE_BROWSER=1 to make this a failure.",
            yellow=True,
            bold=True,
        )


@pytest.fixture
def new_page(browser, live_server):
    """`new_page()`: a fresh browser context (its own cookies) at 1366×768, and its page."""
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url, locale="vi-VN", viewport=DESKTOP, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# ---------------------------------------------------------------------------------------------
# The demo


@pytest.fixture
def demo(live_server):
    """The Đức Thọ reference data, the demo logins and the January–September 2020 counts.

    A transactional test empties the database when it ends, so everything is loaded here again
    for every journey (idempotent: what is already there is kept)."""
    reference = load_reference()
    load_demo_logins()
    users = {user.username: user for user in get_user_model().objects.filter(username__startswith="demo.")}
    load_demo_counts(district=reference["district"], recorded_by=users["demo.canbo"])
    return {"district": reference["district"], "users": users}


# ---------------------------------------------------------------------------------------------
# Helpers for the journeys


def path(name, *args, query=""):
    """A portal address relative to the live server (each context has it as base_url)."""
    return reverse(name, args=args) + (f"?{query}" if query else "")


def log_in(page, username, *, screenshot=None):
    """Through the login form, as a person does; returns the page where the portal sent them."""
    page.goto(path("login"))
    assert_accessible_basics(page, tabs=3)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    if screenshot:
        shoot(page, screenshot)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert "/login/" not in page.url, f"{username} could not log in"
    return page


def shoot(page, name, *, phone=False, docs=True):
    """A full-page PNG to test-artifacts/screenshots/; with DVCTT_UPDATE_SCREENSHOTS=1 the main
    pages (`docs`) also to docs/screenshots/, which the README shows."""
    if phone:
        page.set_viewport_size(PHONE)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if docs and os.environ.get("DVCTT_UPDATE_SCREENSHOTS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS / path.name)
    finally:
        if phone:
            page.set_viewport_size(DESKTOP)


OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > innerWidth + 1 && !(el.parentElement && el.parentElement.closest('.table-wrap')))
    .filter(el => getComputedStyle(el).position !== 'fixed' && !el.closest('.visually-hidden'))
    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
  return {scrollWidth: doc.scrollWidth, innerWidth: innerWidth, wide: wide};
}"""


def assert_no_overflow(page, *, phone=False):
    """The page itself never scrolls sideways (a wide table scrolls inside its own wrapper)."""
    if phone:
        page.set_viewport_size(PHONE)
    try:
        found = page.evaluate(OVERFLOW_JS)
    finally:
        if phone:
            page.set_viewport_size(DESKTOP)
    assert found["scrollWidth"] <= found["innerWidth"], f"{page.url} overflows sideways: {found}"


UNLABELLED_JS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""

WORDLESS_STATUS_JS = """() => [...document.querySelectorAll('.status, .cell-mark, .matrix__cell a')]
  .filter(el => !el.textContent.trim() && !el.getAttribute('aria-label') && !el.getAttribute('title'))
  .map(el => el.outerHTML.slice(0, 120))"""

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {tag: el.tagName.toLowerCase(), text: (el.textContent || el.name || '').trim().slice(0, 40),
          visible: outline || style.boxShadow !== 'none'};
}"""


def assert_accessible_basics(page, *, tabs=6):
    """Every input has a label, no status is a colour alone, and tabbing shows where the focus is."""
    assert page.evaluate(UNLABELLED_JS) == [], f"inputs without a label on {page.url}"
    assert page.evaluate(WORDLESS_STATUS_JS) == [], f"a status without words on {page.url}"
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(tabs):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        assert focus is not None and focus["visible"], f"focus not visible on {page.url}: {focus}"
