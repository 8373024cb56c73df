"""The program in Chromium: relaxation trainer, two exposure trials, the progress chart.

Checks that the breathing pacer visibly moves (its computed transform changes between
two samples), that it makes no network request during the exercise, that with
``prefers-reduced-motion`` it stays still and counts in words and numbers instead, and
that every page has no serious or critical axe-core violation.
"""

from __future__ import annotations

from typing import Any

import pytest

from lacrima.web.program import services
from lacrima.web.program.models import RelaxationExercise, Trial

pytestmark = pytest.mark.browser

BEFORE = "Before: how relaxed do you feel? (0 not at all, 10 completely)"
AFTER = "After: how relaxed do you feel now? (0 not at all, 10 completely)"


def _transform(page: Any) -> str:
    return page.eval_on_selector(".pacer-circle", "el => getComputedStyle(el).transform")


def _rate_scene(page: Any, expectancy: int, peak: int, end: int) -> None:
    page.get_by_label("How likely does it feel").fill(str(expectancy))
    page.get_by_role("button", name="I'm relaxed: start the scene").click()
    page.wait_for_selector(".scene-timer[data-state='running']")
    page.get_by_label("Highest distress during the scene").fill(str(peak))
    page.get_by_label("Distress at the end of the scene").fill(str(end))
    page.get_by_role("button", name="Save this rating").click()
    page.wait_for_load_state()


def test_relaxation_trials_and_progress(
    page: Any, client_user: Any, sign_in: Any, assert_accessible: Any
) -> None:
    for i, suds in enumerate((10, 20, 30)):
        services.add_item(client_user, f"Scene number {i + 1}", suds)
    sign_in(page, client_user.username)

    # Relaxation: paced breathing, rated before and after.
    page.goto("/program/relax/")
    assert_accessible(page)
    page.get_by_label(BEFORE).select_option("3")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.get_by_role("button", name="Start breathing").click()
    page.wait_for_timeout(400)
    first = _transform(page)
    page.wait_for_timeout(1500)
    second = _transform(page)
    assert first.startswith("matrix(") and second.startswith("matrix(")
    assert first != second, "the pacer should grow or shrink while running"
    assert page.locator(".pacer-cue").inner_text() in ("Breathe in", "Breathe out")
    page.get_by_role("button", name="Pause").click()
    assert requests == [], f"the exercise made network requests: {requests}"
    page.get_by_label(AFTER).select_option("7")
    page.get_by_role("button", name="Save how I feel").click()
    page.wait_for_load_state()
    assert page.get_by_text("Saved.").is_visible()
    exercise = RelaxationExercise.objects.get(client=client_user)
    assert (exercise.before, exercise.after) == (3, 7)
    assert 1.0 < exercise.duration_s < 30.0

    # Two exposure trials.
    page.goto("/program/practice/")
    assert_accessible(page)
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="First, relax").is_visible()
    assert_accessible(page)
    page.get_by_label("How likely does it feel").fill("40")
    page.get_by_role("button", name="I'm relaxed: start the scene").click()
    page.wait_for_selector(".scene-timer[data-state='running']")
    assert page.get_by_role("heading", name="Imagine this scene").is_visible()
    assert_accessible(page)
    page.wait_for_timeout(600)
    assert float(page.eval_on_selector(".scene-progress", "el => el.value")) > 0
    page.get_by_label("Highest distress during the scene").fill("20")
    page.get_by_label("Distress at the end of the scene").fill("10")
    page.get_by_role("button", name="Save this rating").click()
    page.wait_for_load_state()
    assert page.get_by_text("try the same scene once more").is_visible()
    _rate_scene(page, expectancy=30, peak=8, end=2)
    assert page.get_by_text("more calm times in a row").is_visible()
    trials = list(Trial.objects.filter(client=client_user))
    assert [(t.peak_suds, t.end_suds, t.expectancy_pct) for t in trials] == [
        (20, 10, 40),
        (8, 2, 30),
    ]
    assert all(t.duration_s > 0 for t in trials)

    # The progress chart.
    page.goto(f"/program/c/{client_user.username}/progress/")
    chart = page.locator("figure.chart svg").first
    assert chart.is_visible()
    points = page.locator("polyline.series-peak").first.get_attribute("points")
    assert points is not None and len(points.split()) == 2
    assert page.get_by_role("img", name="Step 1: Scene number 1").is_visible()
    assert_accessible(page)
    assert page.console_errors == []


def test_pacer_respects_reduced_motion(
    page: Any, client_user: Any, sign_in: Any, assert_accessible: Any
) -> None:
    sign_in(page, client_user.username)
    page.emulate_media(reduced_motion="reduce")
    page.goto("/program/relax/?kind=breathing&bpm=6")
    page.get_by_role("button", name="Start breathing").click()
    page.wait_for_timeout(300)
    first, count_1 = _transform(page), page.locator(".pacer-count").inner_text()
    page.wait_for_timeout(1300)
    second, count_2 = _transform(page), page.locator(".pacer-count").inner_text()
    assert first == second == "none", "no scaling animation under reduced motion"
    assert page.locator(".pacer").get_attribute("class").split().count("pacer-still") == 1
    assert page.locator(".pacer-cue").inner_text() == "Breathe in"
    assert count_1.isdigit() and count_2.isdigit() and count_1 != count_2
    assert_accessible(page)
    assert page.console_errors == []


def test_guided_muscle_relaxation_moves_through_the_steps(
    page: Any, client_user: Any, sign_in: Any
) -> None:
    sign_in(page, client_user.username)
    page.goto("/program/relax/?kind=pmr4")
    page.get_by_role("button", name="Start guiding").click()
    current = page.locator(".pmr-steps li[aria-current='step']")
    assert current.count() == 1
    assert "Sit or lie comfortably" in page.locator(".pmr-now").inner_text()
    assert page.locator(".pmr-count").inner_text() == "10"


def test_phone_layout_and_not_today(phone_page: Any, client_user: Any, sign_in: Any) -> None:
    services.use_template(client_user)
    sign_in(phone_page, client_user.username)
    for url in ("/program/", "/program/practice/", "/program/relax/"):
        phone_page.goto(url)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} scrolls sideways on a 360 px phone ({width} px)"
        button = phone_page.get_by_role("button", name="Not today")
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
    phone_page.get_by_role("button", name="Not today").click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_text("Stopped for today").is_visible()
