"""End to end: a client grants consent, the therapist then sees what was shared.

Every page visited is checked with axe-core; no page may log a console error (a CSP
violation would show up there).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_client_grants_consent_and_therapist_sees_it(
    browser, live_server, make_user, link, sign_in, assert_accessible
):
    client = make_user(role="client", username="sam", first_name="Sam")
    therapist = make_user(role="therapist", username="robin", first_name="Robin")
    link(client, therapist)
    client.profile.note = "I would like to go slowly."
    client.profile.save()

    # The client signs in and shares the diary with Robin.
    ctx = browser.new_context(base_url=live_server.url)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "sam")
    assert_accessible(page)
    page.get_by_role("link", name="Sharing").click()
    assert_accessible(page)
    page.get_by_label("Crying and mood diary").check()
    page.get_by_role("button", name="Save what I share").click()
    # HTMX swaps in the saved card; the page itself is not reloaded
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    expect(page.get_by_label("Crying and mood diary")).to_be_checked()
    assert_accessible(page)
    ctx.close()

    # The therapist signs in, sees the client with the shared category, opens the card.
    ctx = browser.new_context(base_url=live_server.url)
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "robin")
    page.get_by_role("link", name="Clients").first.click()
    card = page.get_by_role("article").filter(has_text="Sam")
    expect(card.get_by_text("Crying and mood diary")).to_be_visible()
    expect(card.get_by_text("Body check-ins")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Sam").click()
    expect(page.get_by_text("I would like to go slowly.")).to_be_visible()
    assert_accessible(page)
    ctx.close()
    assert errors == []


def test_crisis_page_on_a_phone_without_signing_in(phone_page, assert_accessible):
    phone_page.goto("/crisis/")
    assert phone_page.get_by_role("heading", name="Help now").is_visible()
    call = phone_page.get_by_role("link", name="Call 988").first
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing overflows sideways on a 360 px phone
    assert_accessible(phone_page)
    assert phone_page.console_errors == []


def test_wrong_password_message_is_accessible(page, make_user, sign_in, assert_accessible):
    make_user(role="client", username="kim")
    sign_in(page, "kim", "not-the-password")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
