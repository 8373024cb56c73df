"""Diary files: our own export round-trips; Daylio imports as mood entries; registry."""

from __future__ import annotations

import io
import json

import pytest

from lacrima.web import registry
from lacrima.web.diary.models import Episode, MoodEntry

pytestmark = pytest.mark.django_db

FULL = {
    "kind": "cried",
    "intensity": "6",
    "mood_before": "2",
    "mood_after": "5",
    "emotions": ["grief"],
    "company": "several",
    "reaction": "dismissive",
    "held_back": "true",
    "felt": "same",
    "note": 'a "quoted", multi\nline note',
    "trigger": "anniversary",
    "started_at": "2024-03-02T20:15",
    "showed": "sobbing",
}
DAYLIO = (
    "full_date,date,weekday,time,mood,activities,note_title,note\n"
    "2024-05-02,May 2,Thursday,21:05,awful,work | family,,cried in the car\n"
    "2024-05-01,May 1,Wednesday,8:30 AM,rad,friends,,\n"
)


def upload(c, name: str, content: bytes):
    f = io.BytesIO(content)
    f.name = name
    return c.post("/diary/import/", {"file": f})


def comparable(e: Episode) -> tuple:
    return (
        e.kind,
        e.started_at,
        e.intensity,
        e.mood_before,
        e.mood_after,
        e.emotions,
        e.company,
        e.reaction,
        e.held_back,
        e.felt,
        e.note,
        e.trigger,
        e.showed,
    )


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_round_trips(client_client, client_user, make_user, client_of, fmt):
    client_client.post("/diary/new/full/", FULL)
    client_client.post("/diary/new/", {"kind": "could_not_cry"})
    exported = client_client.get(f"/diary/export.{fmt}")
    assert exported.status_code == 200
    original = sorted(comparable(e) for e in Episode.objects.filter(client=client_user))
    # Into a fresh account: identical entries.
    bob = make_user(role="client", username="bob")
    response = upload(client_of(bob), f"diary.{fmt}", exported.content)
    assert response.status_code == 302
    copied = sorted(comparable(e) for e in Episode.objects.filter(client=bob))
    assert copied == original
    # Importing the same file again adds nothing.
    upload(client_of(bob), f"diary.{fmt}", exported.content)
    assert Episode.objects.filter(client=bob).count() == 2


def test_daylio_imports_as_moods(client_client, client_user):
    response = upload(client_client, "daylio_export.csv", DAYLIO.encode())
    assert response.status_code == 302
    moods = list(MoodEntry.objects.filter(client=client_user).order_by("at"))
    assert [(m.mood, m.label) for m in moods] == [(9, "rad"), (1, "awful")]
    assert moods[1].note == "cried in the car"
    assert Episode.objects.count() == 0
    upload(client_client, "daylio_export.csv", DAYLIO.encode())
    assert MoodEntry.objects.count() == 2
    page = client_client.get("/diary/moods/").content.decode()
    assert "awful" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"kind,started_at,intensity\ncried,2024-01-01T10:00+00:00,14\n", "row 2: intensity"),
        (b"kind,started_at\ncried,2999-01-01T10:00+00:00\n", "in the future"),
        (b"hello,world\n1,2\n", "unknown file"),
        (DAYLIO.replace("awful", "grumpy").encode(), "mood &#x27;grumpy&#x27;"),
        (json.dumps([{"kind": "cried"}]).encode(), "started_at is missing"),
    ],
)
def test_bad_files_import_nothing(client_client, content, message):
    response = upload(client_client, "bad.csv", content)
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert message in response.content.decode()
    assert Episode.objects.count() == 0 and MoodEntry.objects.count() == 0


def test_import_with_risk_language_shows_resources(client_client):
    text = DAYLIO.replace("cried in the car", "I want to kill myself")
    response = upload(client_client, "daylio.csv", text.encode())
    assert "support=1" in response["Location"]


def test_everything_is_in_the_registry_export(client_client, client_user):
    client_client.post("/diary/new/full/", FULL)
    upload(client_client, "daylio.csv", DAYLIO.encode())
    client_client.post(
        "/diary/checkins/new/",
        {"throat_sensation": "lump", "throat_intensity": "5", "note": "before the call"},
    )
    client_client.post("/diary/worksheets/growing-up/new/", {"first_memory": "my gran hugged me"})
    client_client.post("/diary/screening/phq9/", {f"item{i}": "1" for i in range(1, 10)})
    client_client.post(
        "/diary/reminders/", {"label": "evening", "time_of_day": "20:00", "days": ["mon"]}
    )
    tables = {name: fn(client_user) for name, fn in registry.exporters().items()}
    assert tables["diary_episodes"][0]["note"] == 'a "quoted", multi\nline note'
    assert len(tables["diary_moods"]) == 2
    assert tables["body_checkins"][0]["region"] == "throat"
    assert any(r["answer"] == "my gran hugged me" for r in tables["worksheet_answers"])
    assert tables["phq9"][0]["total"] == 9 and tables["phq9"][0]["item9"] == 1
    assert tables["diary_reminders"][0]["label"] == "evening"
    assert "safety_flags" in tables
    json.dumps(tables)  # every value is JSON-serialisable


def test_account_export_zip_imports_the_diary(client_client, client_user, make_user, client_of):
    from lacrima.web.accounts.archive import build_archive

    client_client.post("/diary/new/full/", FULL)
    archive = build_archive(client_user)
    bob = make_user(role="client", username="bob")
    response = upload(client_of(bob), "lacrima-export-alice.zip", archive)
    assert response.status_code == 302
    original = [comparable(e) for e in Episode.objects.filter(client=client_user)]
    assert [comparable(e) for e in Episode.objects.filter(client=bob)] == original


def test_export_rows_hold_every_export_column(client_client, client_user):
    from lacrima.care.diary_io import EXPORT_FIELDS
    from lacrima.web.diary.exports import export_episodes

    client_client.post("/diary/new/", {"kind": "cried"})
    assert set(EXPORT_FIELDS) <= set(export_episodes(client_user)[0])
