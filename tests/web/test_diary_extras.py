"""Reminders ("due now" in the app), learn pages (public, cited), the demo diary."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.utils import timezone

from lacrima.web.diary.exports import load_demo
from lacrima.web.diary.models import Episode, Reminder
from lacrima.web.diary.views_learn import LEARN_PAGES

pytestmark = pytest.mark.django_db


def test_reminder_is_due_in_the_diary_until_closed(client_client, client_user):
    response = client_client.post(
        "/diary/reminders/",
        {
            "label": "evening check-in",
            "time_of_day": "00:00",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        },
    )
    assert response.status_code == 302
    reminder = Reminder.objects.get(client=client_user)
    assert reminder.weekdays == "0,1,2,3,4,5,6"
    assert "Due now" in client_client.get("/diary/").content.decode()
    client_client.post(f"/diary/reminders/{reminder.pk}/close/")
    assert "Due now" not in client_client.get("/diary/").content.decode()


def test_reminder_validation(client_client):
    response = client_client.post("/diary/reminders/", {"label": "", "time_of_day": "25:99"})
    body = response.content.decode()
    assert "This field is required" in body and "Choose at least one day" in body
    assert not Reminder.objects.exists()


def test_reminders_are_private(client_client, client_user, make_user, client_of):
    r = Reminder.objects.create(client=client_user, label="x", time_of_day=time(8))
    other = client_of(make_user(role="client"))
    assert other.post(f"/diary/reminders/{r.pk}/delete/").status_code == 404
    assert Reminder.objects.filter(pk=r.pk).exists()


def test_due_list_respects_time_and_day(client_user):
    from lacrima.web.diary.services import due_for

    Reminder.objects.create(
        client=client_user, label="weekday", time_of_day=time(9), weekdays="0,1,2,3,4"
    )
    wednesday_10 = timezone.make_aware(datetime(2024, 5, 1, 10, 0))
    saturday_10 = timezone.make_aware(datetime(2024, 5, 4, 10, 0))
    assert [r.label for r in due_for(client_user, wednesday_10)] == ["weekday"]
    assert due_for(client_user, saturday_10) == []


@pytest.mark.parametrize("slug", list(LEARN_PAGES))
def test_learn_pages_are_public_and_cite_sources(client_of, slug):
    response = client_of(None).get(f"/diary/learn/{slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sources" in body and "<cite>" in body
    for myth in ("toxin", "always helps", "will help you"):
        assert myth not in body.lower()


def test_learn_index_and_unknown_page(client_of):
    anonymous = client_of(None)
    assert anonymous.get("/diary/learn/").status_code == 200
    assert anonymous.get("/diary/learn/nope/").status_code == 404


def test_learn_page_sources_come_from_clinical_notes(client_of):
    expected = {
        "does-crying-help": ["45:385", "27:1165", "39:953"],
        "crying-in-therapy": ["Von Glahn", "3:63", "7:458", "5:502", "20:1279", "40:1"],
        "when-to-get-help": ["16:606"],
        "why-we-cry": ["Why Only Humans Weep", "31:460"],
    }
    for slug, needles in expected.items():
        body = client_of(None).get(f"/diary/learn/{slug}/").content.decode()
        for needle in needles:
            assert needle in body, (slug, needle)
    tears = client_of(None).get("/diary/learn/when-tears-dont-come/").content.decode()
    assert "Don't force it" in tears or "Don&#x27;t force it" in tears


def test_demo_is_idempotent(client_user):
    load_demo({"client": client_user})
    count = Episode.objects.filter(client=client_user).count()
    assert count > 5
    load_demo({"client": client_user})
    assert Episode.objects.filter(client=client_user).count() == count
