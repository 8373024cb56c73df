"""The crisis page and panel on a 360 px phone: big call buttons, no tiny targets, axe-clean.

Sizes: call and text buttons at least 44 x 44 CSS px (WCAG 2.5.5, the project's touch
target); every other link, button and field at least 24 x 24 px (WCAG 2.5.8).
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALL_MIN_PX = 44
TARGET_MIN_PX = 24

_TARGETS_JS = """
() => [...document.querySelectorAll('a[href], button, select, input:not([type=hidden]), summary')]
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map(el => { const r = el.getBoundingClientRect();
    return {tag: el.tagName, text: (el.innerText || el.name || '').trim().slice(0, 40),
            href: el.getAttribute('href') || '', w: r.width, h: r.height,
            inline: getComputedStyle(el).display === 'inline'}; })
"""


def _targets(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(_TARGETS_JS)


def _call_buttons(page: Any) -> list[dict[str, Any]]:
    return [t for t in _targets(page) if t["href"].startswith(("tel:", "sms:"))]


def _check_sizes(page: Any) -> None:
    calls = _call_buttons(page)
    assert calls, "no tel:/sms: buttons on the page"
    small_calls = [c for c in calls if c["w"] < CALL_MIN_PX or c["h"] < CALL_MIN_PX]
    assert not small_calls, small_calls
    # Inline links inside a sentence are exempt in WCAG 2.5.8; all others count.
    small = [
        t
        for t in _targets(page)
        if not t["inline"] and (t["w"] < TARGET_MIN_PX or t["h"] < TARGET_MIN_PX)
    ]
    assert not small, small


@pytest.mark.parametrize("region", ["", "?region=AU", "?region=GB"])
def test_crisis_page_at_360px(phone_page: Any, assert_accessible: Any, region: str) -> None:
    phone_page.goto("/crisis/" + region)
    assert phone_page.get_by_role("heading", name="Help now").is_visible()
    assert phone_page.get_by_text("not watched in real time").first.is_visible()
    assert phone_page.get_by_label("Where are you?").is_visible()  # the region picker
    _check_sizes(phone_page)
    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the page scrolls sideways ({scroll_width} px)"
    assert_accessible(phone_page)


def test_region_from_the_browser_language(browser: Any, live_server: Any) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="en-AU"
    )
    try:
        page = context.new_page()
        page.goto("/crisis/")
        hrefs = {c["href"] for c in _call_buttons(page)}
        assert "tel:131114" in hrefs and "sms:0477131114" in hrefs
    finally:
        context.close()


def test_crisis_panel_after_a_risk_note_at_360px(
    phone_page: Any, make_user: Any, sign_in: Any, assert_accessible: Any
) -> None:
    make_user(role="client", username="kim")
    sign_in(phone_page, "kim")
    phone_page.goto("/account/profile/")
    phone_page.get_by_role("textbox").fill("I have decided to kill myself this weekend")
    phone_page.get_by_role("button", name="Save").click()
    phone_page.wait_for_load_state()
    panel = phone_page.locator(".crisis-panel")
    assert panel.is_visible()
    assert panel.get_by_text("not watched in real time").is_visible()
    calls = _call_buttons(phone_page)
    assert calls and all(c["w"] >= CALL_MIN_PX and c["h"] >= CALL_MIN_PX for c in calls)
    assert_accessible(phone_page)
