"""Item 9 is never silent, and flags follow consent rather than timing (issue 13)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.urls import reverse

from lacrima.web.core import crisis
from lacrima.web.core.apps import check_crisis_coverage
from lacrima.web.diary.models import Flag

pytestmark = pytest.mark.django_db

ITEM9_ONLY = {**{f"item{i}": "0" for i in range(1, 9)}, "item9": "1"}


@pytest.mark.parametrize("locale", ["en-NZ", "fr-CH", "en-IN"])
def test_item9_for_a_locale_with_no_entries_still_shows_the_panel(
    locale: str, settings: Any, client_client: Any
) -> None:
    settings.LACRIMA_LOCALE = locale
    assert crisis.resources_for() == []  # the situation the review found
    response = client_client.post("/diary/screening/phq9/", ITEM9_ONLY, follow=True)
    page = response.content.decode()
    assert 'class="crisis-panel"' in page
    assert "call your local emergency number" in page.lower()
    assert 'href="/crisis/"' in page
    assert "not watched in real time" in page


def test_item9_at_zero_shows_no_panel(client_client: Any) -> None:
    answers = {f"item{i}": "1" for i in range(1, 9)} | {"item9": "0"}
    page = client_client.post("/diary/screening/phq9/", answers, follow=True).content.decode()
    assert 'class="crisis-panel"' not in page


@pytest.mark.parametrize("locale", ["en-NZ", "fr-CH", "en-IN"])
def test_start_up_warns_when_the_locale_has_no_entries(
    locale: str, settings: Any, caplog: Any
) -> None:
    from django.apps import apps

    settings.LACRIMA_LOCALE = locale
    with caplog.at_level(logging.WARNING, logger="lacrima.web.core"):
        apps.get_app_config("core").ready()
    assert any(
        locale in r.getMessage() and "/staff/crisis/" in r.getMessage() for r in caplog.records
    )
    (warning,) = check_crisis_coverage()
    assert warning.id == "lacrima.W001" and locale in warning.msg


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "de-DE"])
def test_no_warning_for_a_covered_locale(locale: str, settings: Any) -> None:
    settings.LACRIMA_LOCALE = locale
    assert check_crisis_coverage() == []


# ----------------------------------------------------------------- flags follow consent


def _share(client_user: Any, therapist: Any, client_of: Any, categories: list[str]) -> None:
    response = client_of(client_user).put(
        f"/api/v1/consents/{therapist.username}",
        json.dumps({"shared": categories}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def _client_page(therapist: Any, client_of: Any) -> str:
    return client_of(therapist).get(reverse("records:client", kwargs={"username": "alice"})).text


def test_an_item9_answer_from_before_sharing_reaches_the_therapist_after_sharing(
    client_client: Any, client_user: Any, therapist_user: Any, link: Any, client_of: Any
) -> None:
    from lacrima.web.records.dashboard import client_rows

    link(client_user, therapist_user, consents=["diary"])
    client_client.post("/diary/screening/phq9/", ITEM9_ONLY)
    assert "PHQ-9 item 9" not in _client_page(therapist_user, client_of)
    assert client_rows(therapist_user).rows[0].open_flags == 0

    _share(client_user, therapist_user, client_of, ["diary", "screening"])
    assert "PHQ-9 item 9" in _client_page(therapist_user, client_of)
    assert client_rows(therapist_user).rows[0].open_flags == 1
    screening = client_of(therapist_user).get("/diary/screening/?client=alice").text
    assert "Please consider reviewing safety" in screening

    _share(client_user, therapist_user, client_of, ["diary"])  # sharing revoked
    assert "PHQ-9 item 9" not in _client_page(therapist_user, client_of)
    assert client_rows(therapist_user).rows[0].open_flags == 0
    assert Flag.objects.filter(client=client_user).count() == 1  # kept, unseen


def test_a_diary_pattern_from_before_sharing_appears_after_sharing(
    client_user: Any, therapist_user: Any, link: Any, client_of: Any
) -> None:
    from lacrima.web.diary.safety import flags_for

    link(client_user, therapist_user, consents=["screening"])
    for _ in range(2):
        client_of(client_user).post(
            "/api/v1/diary/episodes",
            {"kind": "cried", "could_not_stop": True},
            content_type="application/json",
        )
    assert flags_for(therapist_user, client_user) == []  # diary not shared
    _share(client_user, therapist_user, client_of, ["screening", "diary"])
    (flag,) = flags_for(therapist_user, client_user)
    assert flag.kind == "pattern_mismatch_or_uncontrollable"
    _share(client_user, therapist_user, client_of, ["screening"])
    assert flags_for(therapist_user, client_user) == []


def test_the_sharing_page_says_what_each_category_sends(
    client_client: Any, client_user: Any, therapist_user: Any, link: Any
) -> None:
    link(client_user, therapist_user)
    page = client_client.get("/account/sharing/").content.decode()
    assert "question 9" in page  # sharing Questionnaires sends item-9 notes
    assert "pattern" in page  # sharing the diary sends diary pattern notes
