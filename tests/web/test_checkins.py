"""Body check-ins: body map, validation, history, consent category ``checkins``."""

from __future__ import annotations

import pytest
from django.db import connection

from lacrima.web.diary.models import CheckIn, CheckInRegion

pytestmark = pytest.mark.django_db


def test_new_checkin_with_two_regions(client_client, client_user):
    response = client_client.post(
        "/diary/checkins/new/",
        {
            "throat_sensation": "lump",
            "throat_intensity": "6",
            "chest_sensation": "tight",
            "chest_intensity": "3",
            "note": "before the meeting",
        },
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get(client=client_user)
    rows = {(r.region, r.sensation, r.intensity) for r in checkin.regions.all()}
    assert rows == {("throat", "lump", 6), ("chest", "tight", 3)}
    page = client_client.get(response["Location"]).content.decode()
    assert "Throat: a lump or knot, 6 of 10" in page
    history = client_client.get("/diary/checkins/").content.decode()
    assert "Throat: a lump or knot, 6/10" in history  # the body map's text alternative


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Pick at least one part of the body"),
        ({"eyes_sensation": "warm"}, "How strong is it in your eyes?"),
        ({"jaw_intensity": "4"}, "What does your jaw feel like?"),
        ({"jaw_sensation": "tight", "jaw_intensity": "12"}, "Choose a whole number from 0 to 10"),
        ({"jaw_sensation": "itchy", "jaw_intensity": "2"}, "Select a valid choice"),
        (
            {"jaw_sensation": "tight", "jaw_intensity": "2", "note": "x" * 1_000_000},
            "at most 2000 characters",
        ),
    ],
)
def test_bad_checkins_store_nothing(client_client, data, message):
    response = client_client.post("/diary/checkins/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CheckIn.objects.count() == 0 and CheckInRegion.objects.count() == 0


def test_note_encrypted_and_risk_language_shows_resources(client_client):
    response = client_client.post(
        "/diary/checkins/new/",
        {"chest_sensation": "heavy", "chest_intensity": "8", "note": "I want to hurt myself"},
        follow=True,
    )
    assert "crisis-panel" in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM diary_checkin")
        assert "hurt" not in cursor.fetchone()[0]


def test_consent_and_delete(client_client, client_user, therapist_user, link, client_of):
    client_client.post(
        "/diary/checkins/new/",
        {"eyes_sensation": "warm", "eyes_intensity": "2", "note": "marker-ck-12"},
    )
    checkin = CheckIn.objects.get()
    therapist = client_of(therapist_user)
    link(client_user, therapist_user, consents=["diary"])
    assert therapist.get("/diary/checkins/?client=alice").status_code == 403
    link(client_user, therapist_user, consents=["checkins"])
    assert therapist.get("/diary/checkins/?client=alice").status_code == 200
    assert "marker-ck-12" in therapist.get(f"/diary/checkins/{checkin.pk}/").content.decode()
    assert therapist.post(f"/diary/checkins/{checkin.pk}/delete/").status_code == 403
    assert client_client.post(f"/diary/checkins/{checkin.pk}/delete/").status_code == 302
    assert not CheckIn.objects.exists()
