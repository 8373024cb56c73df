"""Diary pages: logging (quick and full), editing, deleting, validation, encryption."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lacrima.web.diary.models import Episode

pytestmark = pytest.mark.django_db


def full_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "cried",
        "started_at": (timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_min": "10",
        "intensity": "7",
        "showed": "tears",
        "trigger": "a call with my sister",
        "emotions": ["sadness", "relief"],
        "company": "one",
        "reaction": "comforting",
        "held_back": "false",
        "mood_before": "3",
        "mood_after": "6",
        "felt": "better",
        "note": "Felt lighter after talking it through.",
    }
    data.update(changes)
    return data


def test_index_has_one_obvious_action(client_client):
    response = client_client.get("/diary/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Log a cry" in body
    assert "Your diary is empty" not in body  # the reading lives on the pattern page


def test_quick_entry_needs_only_the_kind(client_client, client_user):
    response = client_client.post("/diary/new/", {"kind": "cried"})
    assert response.status_code == 302
    episode = Episode.objects.get(client=client_user)
    assert episode.kind == "cried" and episode.intensity is None
    assert abs(episode.started_at - timezone.now()) < timedelta(minutes=1)
    page = client_client.get(response["Location"]).content.decode()
    assert "Saved" in page and f'data-episode="{episode.pk}"' in page


def test_could_not_cry_links_the_learn_page(client_client):
    response = client_client.post("/diary/new/", {"kind": "could_not_cry"}, follow=True)
    assert "/diary/learn/when-tears-dont-come/" in response.content.decode()


def test_full_entry_is_stored(client_client, client_user):
    response = client_client.post("/diary/new/full/", full_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    e = Episode.objects.get(client=client_user)
    assert (e.intensity, e.mood_before, e.mood_after, e.held_back) == (7, 3, 6, False)
    assert e.emotions == ["sadness", "relief"]
    assert e.note == "Felt lighter after talking it through."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"intensity": "11"}, "Choose a whole number from 0 to 10"),
        ({"mood_before": "-1"}, "Choose a whole number from 0 to 10"),
        ({"mood_after": "high"}, "Choose a whole number from 0 to 10"),
        ({"kind": ""}, "Choose one: you cried"),
        (
            {"started_at": (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
            "in the future",
        ),
        ({"started_at": "yesterday-ish"}, "Enter a date and time"),
        ({"note": "x" * 1_000_000}, "at most 20000 characters"),
        ({"emotions": ["boredom"]}, "Select a valid choice"),
        ({"duration_min": "700"}, "less than or equal to 600"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(client_client, change, message):
    response = client_client.post("/diary/new/full/", full_form(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Episode.objects.count() == 0


def test_edit_and_delete_own_entry(client_client, client_user):
    client_client.post("/diary/new/full/", full_form())
    e = Episode.objects.get(client=client_user)
    response = client_client.post(f"/diary/episodes/{e.pk}/edit/", full_form(intensity="2"))
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.intensity == 2
    assert client_client.get(f"/diary/episodes/{e.pk}/delete/").status_code == 200
    assert client_client.post(f"/diary/episodes/{e.pk}/delete/").status_code == 302
    assert not Episode.objects.exists()


def test_others_cannot_touch_an_entry(client_client, client_user, make_user, client_of):
    client_client.post("/diary/new/", {"kind": "cried"})
    e = Episode.objects.get(client=client_user)
    stranger = client_of(make_user(role="client"))
    assert stranger.get(f"/diary/episodes/{e.pk}/").status_code == 404
    assert stranger.post(f"/diary/episodes/{e.pk}/delete/").status_code == 404
    assert Episode.objects.filter(pk=e.pk).exists()


def test_therapist_reads_with_consent_only(
    client_client, client_user, therapist_user, link, client_of
):
    client_client.post("/diary/new/full/", full_form(note="marker-6612"))
    e = Episode.objects.get()
    therapist = client_of(therapist_user)
    link(client_user, therapist_user, consents=["checkins"])
    assert therapist.get("/diary/?client=alice").status_code == 403
    assert therapist.get(f"/diary/episodes/{e.pk}/").status_code == 403
    link(client_user, therapist_user, consents=["diary"])
    page = therapist.get("/diary/?client=alice").content.decode()
    assert "Alice" in page and "Log a cry" not in page
    assert "marker-6612" in therapist.get(f"/diary/episodes/{e.pk}/").content.decode()
    assert therapist.post(f"/diary/episodes/{e.pk}/edit/", full_form()).status_code == 403


def test_note_and_trigger_are_encrypted_at_rest(client_client):
    client_client.post("/diary/new/full/", full_form(note="secret-note-991", trigger="trig-77"))
    with connection.cursor() as cursor:
        cursor.execute('SELECT note, "trigger" FROM diary_episode')
        note, trigger = cursor.fetchone()
    assert "secret-note-991" not in note and "trig-77" not in trigger


def test_risk_language_shows_crisis_resources_at_once(client_client):
    response = client_client.post(
        "/diary/new/full/", full_form(note="Honestly I just want to die."), follow=True
    )
    body = response.content.decode()
    assert "crisis-panel" in body
    assert "not watched in real time" in body
    assert "tel:" in body  # at least one line to call, shown inline
    assert Episode.objects.count() == 1  # the entry is kept


def test_ordinary_sad_text_shows_no_crisis_panel(client_client):
    response = client_client.post(
        "/diary/new/full/", full_form(note="Cried at the film, felt lighter."), follow=True
    )
    assert "crisis-panel" not in response.content.decode()


def test_summary_and_csv(client_client):
    client_client.post("/diary/new/full/", full_form())
    client_client.post("/diary/new/", {"kind": "cried", "intensity": "4"})
    page = client_client.get("/diary/summary/").content.decode()
    assert "Of the 1 cry where you noted how you felt afterwards, 1 was followed" in page
    assert "J Res Pers 45:385-392, 2011" in page
    assert "first impression" in page
    response = client_client.get("/diary/summary.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "metric,group,n,value,ci_low,ci_high"
    assert "episodes,all,2,2,," in lines


def test_empty_summary(client_client):
    page = client_client.get("/diary/summary/").content.decode()
    assert "Your diary is empty" in page
