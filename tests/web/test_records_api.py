"""The records JSON API: sessions, recordings and their reports, markers, flags."""

# ruff: noqa: F811  (pytest fixtures imported from test_records_support)
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from test_records_support import (  # noqa: F401  (fixtures)
    clean_uploads,
    pair,
    record,
    sim_recording,
    sync_tasks,
)

from lacrima.web.diary.models import Flag
from lacrima.web.records.models import SessionMarker, SessionRecord, Upload

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_create_and_list_sessions(pair: Any, client_of: Any) -> None:
    alice, tan = pair
    created = _post(
        client_of(tan),
        "/api/v1/records/clients/alice/sessions",
        {"starts_at": "2025-03-04T10:00:00+01:00", "duration_min": 50, "notes": "api-note"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["notes"] == "api-note"
    listed = client_of(tan).get("/api/v1/records/sessions?client=alice").json()
    assert [s["duration_min"] for s in listed] == [50]
    own = client_of(alice).get("/api/v1/records/sessions").json()
    assert own[0]["therapist"] == "Robin Tan" and "notes" not in own[0]


@pytest.mark.parametrize(
    "body",
    [
        {"starts_at": "2025-03-04T10:00:00"},
        {"starts_at": "2025-03-04T10:00:00Z", "duration_min": 0},
        {"starts_at": "2025-03-04T10:00:00Z", "colour": "blue"},
    ],
)
def test_bad_session_input_is_refused(pair: Any, client_of: Any, body: dict[str, Any]) -> None:
    _, tan = pair
    response = _post(client_of(tan), "/api/v1/records/clients/alice/sessions", body)
    assert response.status_code == 422
    assert not SessionRecord.objects.exists()


def test_client_cannot_create_sessions(pair: Any, client_of: Any) -> None:
    alice, _ = pair
    body = {"starts_at": "2025-03-04T10:00:00Z"}
    response = _post(client_of(alice), "/api/v1/records/clients/alice/sessions", body)
    assert response.status_code == 403


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_recording_report_marker_and_rerun(
    record: Any, client_of: Any, sim_recording: Path
) -> None:
    tan, alice = record.therapist, record.client
    with sim_recording.open("rb") as fh:
        client_of(tan).post(reverse("records:upload_new", kwargs={"pk": record.pk}), {"files": fh})
    upload = Upload.objects.get()
    full = client_of(tan).get(f"/api/v1/records/recordings/{upload.pk}").json()
    assert full["status"] == "done" and "S" in [p["label"] for p in full["report"]["phases"]]
    plain = client_of(alice).get(f"/api/v1/records/recordings/{upload.pk}").json()
    assert plain["report"] is None and plain["plain_summary"].startswith("The sensors")

    marker = _post(
        client_of(tan),
        f"/api/v1/records/recordings/{upload.pk}/markers",
        {"time_s": 590, "label": "tears"},
    )
    assert marker.status_code == 201 and SessionMarker.objects.get().time_s == 590
    bad = _post(
        client_of(tan),
        f"/api/v1/records/recordings/{upload.pk}/markers",
        {"time_s": -1, "label": "x"},
    )
    assert bad.status_code == 422
    rerun = _post(client_of(tan), f"/api/v1/records/recordings/{upload.pk}/rerun", {})
    assert rerun.status_code == 202 and rerun.json()["status"] == "done"
    session = client_of(tan).get(f"/api/v1/records/sessions/{record.pk}").json()
    assert session["recordings"][0]["id"] == upload.pk and session["markers"][0]["label"] == "tears"


def test_rerun_without_a_file_is_a_clear_400(record: Any, client_of: Any) -> None:
    upload = Upload.objects.create(
        session=record, files=["x.csv"], status=Upload.Status.FAILED, error="broken"
    )
    response = _post(
        client_of(record.therapist), f"/api/v1/records/recordings/{upload.pk}/rerun", {}
    )
    assert response.status_code == 400
    assert "replace it" in response.json()["detail"]


def test_acknowledge_flag(pair: Any, client_of: Any, link: Any) -> None:
    alice, tan = pair
    link(alice, tan, consents=["screening"])
    flag = Flag.objects.create(client=alice, kind="phq9_item9", message="m")
    url = f"/api/v1/records/flags/{flag.pk}/acknowledge"
    assert _post(client_of(alice), url, {}).status_code == 403
    data = _post(client_of(tan), url, {}).json()
    assert data["acknowledged_at"] is not None
