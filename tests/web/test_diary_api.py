"""Diary API: create, list, read, update, delete, summary; bad input stores nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from lacrima.web.diary.models import Episode

pytestmark = pytest.mark.django_db
URL = "/api/v1/diary/episodes"


def post(c, body: object) -> object:
    data = body if isinstance(body, str) else json.dumps(body)
    return c.post(URL, data, content_type="application/json")


def test_minimal_entry_needs_only_kind(client_client, client_user):
    response = post(client_client, {"kind": "cried"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "cried" and data["intensity"] is None
    assert data["show_crisis_resources"] is False
    started = datetime.fromisoformat(data["started_at"])
    assert abs(started - datetime.now(UTC)) < timedelta(minutes=1)
    assert Episode.objects.get().source == "api"


def test_full_entry_round_trips(client_client):
    body = {
        "kind": "could_not_cry",
        "started_at": "2024-05-01T21:30:00+02:00",
        "intensity": 3,
        "mood_before": 2,
        "mood_after": 4,
        "emotions": ["grief", "stress"],
        "company": "alone",
        "held_back": True,
        "note": "tight throat, no tears",
    }
    created = post(client_client, body).json()
    read = client_client.get(f"{URL}/{created['id']}").json()
    for key, value in body.items():
        if key == "started_at":
            assert datetime.fromisoformat(read[key]) == datetime.fromisoformat(value)
        else:
            assert read[key] == value, key
    listed = client_client.get(URL).json()
    assert [e["id"] for e in listed] == [created["id"]]


def test_patch_put_delete(client_client):
    created = post(client_client, {"kind": "cried", "intensity": 5, "note": "x"}).json()
    url = f"{URL}/{created['id']}"
    patched = client_client.patch(url, {"mood_after": 7}, content_type="application/json")
    assert patched.status_code == 200
    assert patched.json()["mood_after"] == 7 and patched.json()["intensity"] == 5
    put = client_client.put(
        url, {"kind": "cried", "mood_before": 1}, content_type="application/json"
    )
    assert put.status_code == 200
    data = put.json()
    assert data["mood_before"] == 1 and data["intensity"] is None and data["note"] == ""
    assert data["started_at"] == created["started_at"]
    assert client_client.delete(url).status_code == 204
    assert client_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"kind": "laughed"},
        {"kind": "cried", "intensity": 11},
        {"kind": "cried", "mood_before": -1},
        {"kind": "cried", "mood_after": "7"},
        {"kind": "cried", "mood_after": 7.5},
        {"kind": "cried", "held_back": "yes"},
        {"kind": "cried", "started_at": "2999-01-01T00:00:00+00:00"},
        {"kind": "cried", "started_at": "2024-05-01T21:30:00"},
        {"kind": "cried", "started_at": "last tuesday"},
        {"kind": "cried", "emotions": ["boredom"]},
        {"kind": "cried", "emotions": "sadness"},
        {"kind": "cried", "note": "x" * 1_000_000},
        {"kind": "cried", "colour": "blue"},
        [1, 2, 3],
    ],
)
def test_bad_input_is_422_and_stores_nothing(client_client, body):
    response = post(client_client, body)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["detail"]
    assert Episode.objects.count() == 0


def test_malformed_json_is_400(client_client):
    response = post(client_client, '{"kind": ')
    assert response.status_code == 400
    assert Episode.objects.count() == 0


def test_patch_cannot_null_required_fields(client_client):
    created = post(client_client, {"kind": "cried"}).json()
    url = f"{URL}/{created['id']}"
    for field in ("kind", "started_at", "did_not_match"):
        response = client_client.patch(url, {field: None}, content_type="application/json")
        assert response.status_code == 422, field
    assert Episode.objects.get().kind == "cried"


def test_bad_patch_changes_nothing(client_client):
    created = post(client_client, {"kind": "cried", "intensity": 4}).json()
    url = f"{URL}/{created['id']}"
    response = client_client.patch(url, {"intensity": 40}, content_type="application/json")
    assert response.status_code == 422
    assert Episode.objects.get().intensity == 4


def test_risk_language_flags_crisis_resources(client_client):
    data = post(client_client, {"kind": "cried", "note": "I keep thinking about ending my life"})
    assert data.json()["show_crisis_resources"] is True
    assert data.json()["crisis_url"] == "/crisis/"


def test_therapist_reads_under_consent(client_client, client_user, therapist_user, link, client_of):
    post(client_client, {"kind": "cried", "note": "marker-api-3301"})
    therapist = client_of(therapist_user)
    assert therapist.get(f"{URL}?client=alice").status_code == 404  # not linked
    link(client_user, therapist_user, consents=["worksheets"])
    assert therapist.get(f"{URL}?client=alice").status_code == 403
    link(client_user, therapist_user, consents=["diary"])
    listed = therapist.get(f"{URL}?client=alice")
    assert listed.status_code == 200 and listed.json()[0]["note"] == "marker-api-3301"
    assert therapist.get("/api/v1/diary/summary?client=alice").json()["n_episodes"] == 1
    assert post(therapist, {"kind": "cried"}).status_code == 403
    episode_id = listed.json()[0]["id"]
    assert therapist.delete(f"{URL}/{episode_id}").status_code == 403
    assert Episode.objects.count() == 1


def test_summary_matches_hand_computed(client_client):
    post(client_client, {"kind": "cried", "mood_before": 3, "mood_after": 6})
    post(client_client, {"kind": "cried", "mood_before": 5, "mood_after": 4})
    post(client_client, {"kind": "could_not_cry"})
    data = client_client.get("/api/v1/diary/summary").json()
    assert (data["n_episodes"], data["n_cried"], data["n_could_not_cry"]) == (3, 2, 1)
    assert data["improved"]["k"] == 1 and data["improved"]["n"] == 2
    assert data["improved"]["interval"]["low"] == pytest.approx(0.0945, abs=1e-4)
    assert data["mean_change"] == pytest.approx(1.0)
    assert data["references"][0]["key"] == "bylsma2011"
    assert data["reading"]


def test_pagination(client_client):
    for _ in range(3):
        post(client_client, {"kind": "cried"})
    assert len(client_client.get(f"{URL}?limit=2").json()) == 2
    assert len(client_client.get(f"{URL}?limit=2&offset=2").json()) == 1
    assert client_client.get(f"{URL}?limit=0").status_code == 422
