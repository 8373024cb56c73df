"""Reflection worksheets: dated, encrypted answers, shared under ``worksheets``."""

from __future__ import annotations

import pytest
from django.db import connection

from lacrima.web.diary.models import WorksheetEntry

pytestmark = pytest.mark.django_db


def test_answers_are_saved_dated_and_encrypted(client_client, client_user):
    response = client_client.post(
        "/diary/worksheets/crying-in-session/new/",
        {"imagine": "she would look away", "fear": "", "needed": "a pause"},
    )
    assert response.status_code == 302
    entry = WorksheetEntry.objects.get(client=client_user)
    assert entry.answers == {"imagine": "she would look away", "fear": "", "needed": "a pause"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_json FROM diary_worksheetentry")
        assert "look away" not in cursor.fetchone()[0]
    page = client_client.get(response["Location"]).content.decode()
    assert "she would look away" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Write something in at least one box"),
        ({"imagine": "x" * 1_000_000}, "at most 5000 characters"),
    ],
)
def test_bad_answers_store_nothing(client_client, data, message):
    response = client_client.post("/diary/worksheets/crying-in-session/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert WorksheetEntry.objects.count() == 0


def test_unknown_worksheet_is_404(client_client):
    assert client_client.get("/diary/worksheets/not-a-sheet/new/").status_code == 404


def test_shared_only_under_worksheets_consent(
    client_client, client_user, therapist_user, link, client_of
):
    client_client.post("/diary/worksheets/growing-up/new/", {"sayings": "marker-ws-77"})
    entry = WorksheetEntry.objects.get()
    therapist = client_of(therapist_user)
    link(client_user, therapist_user, consents=["diary"])
    assert therapist.get(f"/diary/worksheets/entries/{entry.pk}/").status_code == 403
    link(client_user, therapist_user, consents=["worksheets"])
    page = therapist.get(f"/diary/worksheets/entries/{entry.pk}/").content.decode()
    assert "marker-ws-77" in page
    assert therapist.post(f"/diary/worksheets/entries/{entry.pk}/delete/").status_code == 403
    assert client_client.post(f"/diary/worksheets/entries/{entry.pk}/delete/").status_code == 302
    assert not WorksheetEntry.objects.exists()


def test_risk_language_in_an_answer(client_client):
    response = client_client.post(
        "/diary/worksheets/gains-and-costs/new/",
        {"keep": "Sometimes I think everyone would be better off without me"},
        follow=True,
    )
    assert "crisis-panel" in response.content.decode()
