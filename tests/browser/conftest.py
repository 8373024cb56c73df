"""Browser-test fixtures: Playwright (sync API) on Debian's Chromium against live_server.

Use them like this::

    pytestmark = pytest.mark.browser

    def test_something(page, live_server, make_user, sign_in, assert_accessible):
        user = make_user(role="client")
        sign_in(page, user.username)
        page.goto("/account/")
        assert_accessible(page)

``page`` is a fresh browser context at a desktop size with ``base_url`` set to the live
server, so ``page.goto("/crisis/")`` works; ``phone_page`` is the same at 360 x 740.
``assert_accessible(page)`` runs axe-core and fails on serious or critical violations.
Tests are skipped (with the reason) only when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse database access from it ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's Chromium is not installed at /usr/bin/chromium "
            "(run 'make browser' or 'apt-get install chromium')"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


def _new_page(browser: Any, live_server: Any, width: int, height: int) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A desktop-sized page (1280 x 800) whose relative URLs go to the live server.

    ``page.console_errors`` collects console errors (e.g. CSP violations).
    """
    yield from _new_page(browser, live_server, 1280, 800)


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page (360 x 740) against the live server."""
    yield from _new_page(browser, live_server, 360, 740)


def _assert_accessible(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        for v in bad
    ]
    assert not bad, f"axe-core on {page.url}:\n" + "\n".join(lines)


@pytest.fixture
def assert_accessible() -> Callable[[Any], None]:
    """``assert_accessible(page)``: no serious or critical axe-core violations."""
    return _assert_accessible


@pytest.fixture
def sign_in(test_password: str) -> Callable[..., None]:
    """``sign_in(page, username, password=test_password)`` through the real login form."""

    def do(page: Any, username: str, password: str = test_password) -> None:
        page.goto("/login/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return do
