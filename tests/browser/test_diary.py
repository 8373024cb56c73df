"""The diary on a 360 x 740 phone in Chromium: three-tap entry, full entry, chart, axe."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tap(page: Any, locator: Any, taps: list[str]) -> None:
    """Click like a thumb would, after checking the target is at least 44 x 44 px."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None
    assert box["height"] >= 44 and box["width"] >= 44, (locator, box)
    locator.click()
    taps.append(str(locator))


def marks(page: Any) -> int:
    return page.locator("svg.episode-chart g.mark").count()


def test_minimal_then_full_entry_on_a_phone(phone_page, make_user, sign_in, assert_accessible):
    page = phone_page
    user = make_user(role="client", username="robin")
    sign_in(page, user.username)
    page.goto("/diary/")
    assert_accessible(page)

    # A minimal entry: three taps from the diary.
    taps: list[str] = []
    tap(page, page.get_by_role("button", name="Log a cry"), taps)
    page.wait_for_url("**/diary/new/")
    assert_accessible(page)
    tap(page, page.get_by_text("I cried", exact=True), taps)
    tap(page, page.get_by_role("button", name="Save"), taps)
    page.wait_for_url("**/diary/?saved=*")
    assert len(taps) == 3
    assert page.get_by_role("heading", name="Saved").is_visible()
    assert marks(page) == 1

    # A full entry.
    page.get_by_role("link", name="write a full entry").click()
    page.wait_for_url("**/diary/new/full/")
    assert_accessible(page)
    page.get_by_text("I cried", exact=True).click()
    page.locator("#id_intensity_7").check()
    page.get_by_text("Tears", exact=True).click()
    page.get_by_label("What set it off").fill("a song on the radio")
    page.get_by_text("Grief", exact=True).click()
    page.get_by_text("Alone", exact=True).click()
    page.locator("#id_mood_before_3").check()
    page.locator("#id_mood_after_5").check()
    page.get_by_text("Better", exact=True).click()
    page.get_by_label("Anything else (private, stored encrypted)").fill("Felt it in my throat.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/diary/?saved=*")
    assert marks(page) == 2
    assert page.locator("svg.episode-chart g.mark.cried rect.bar").count() == 1  # has strength
    assert page.locator("svg.episode-chart g.mark.cried circle.dot").count() == 1  # minimal
    assert page.locator("svg.episode-chart line.mood.up").count() == 1
    assert page.locator("ol.entries li.entry").count() == 2
    assert_accessible(page)

    # The pattern page shows both in its chart, with the reading and the references.
    page.goto("/diary/summary/")
    assert marks(page) == 2
    assert page.get_by_text("first impression").first.is_visible()
    assert page.get_by_text("Bylsma, Croon, Vingerhoets & Rottenberg").first.is_visible()
    assert_accessible(page)
    assert not page.console_errors, page.console_errors


def test_other_diary_pages_are_accessible(phone_page, make_user, sign_in, assert_accessible):
    page = phone_page
    user = make_user(role="client", username="sam")
    sign_in(page, user.username)
    for path in (
        "/diary/checkins/new/",
        "/diary/worksheets/",
        "/diary/worksheets/growing-up/new/",
        "/diary/screening/phq9/",
        "/diary/reminders/",
        "/diary/import/",
        "/diary/learn/",
        "/diary/learn/crying-in-therapy/",
    ):
        page.goto(path)
        assert_accessible(page)
    assert not page.console_errors, page.console_errors


def test_body_checkin_on_a_phone(phone_page, make_user, sign_in, assert_accessible):
    page = phone_page
    user = make_user(role="client", username="kim")
    sign_in(page, user.username)
    page.goto("/diary/checkins/new/")
    page.locator("#region-throat summary").click()
    page.get_by_label("Throat: what it feels like").select_option("lump")
    page.locator("#id_throat_intensity_6").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/diary/checkins/*/")
    assert page.get_by_text("Throat: a lump or knot, 6 of 10").is_visible()
    assert_accessible(page)


def test_crisis_resources_after_phq9_item9(phone_page, make_user, sign_in, assert_accessible):
    page = phone_page
    user = make_user(role="client", username="lee")
    sign_in(page, user.username)
    page.goto("/diary/screening/phq9/")
    for item in range(1, 10):
        page.locator(f"#id_item{item}_{1 if item == 9 else 0}").check()
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url("**/diary/screening/phq9/*/")
    panel = page.locator(".crisis-panel")
    assert panel.is_visible()
    assert panel.get_by_text("Lacrima is not watched in real time").is_visible()
    assert panel.locator("a[href^='tel:']").count() >= 1
    assert_accessible(page)
