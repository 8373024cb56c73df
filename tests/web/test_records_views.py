"""Session records through the web pages: sessions, uploads, the report, markers, consent.

Analyses run synchronously here (``sync_tasks``); the real worker is exercised in
``test_records_worker.py``.
"""

# ruff: noqa: F811  (pytest fixtures imported from test_records_support)
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from test_records_support import (  # noqa: F401  (fixtures)
    clean_uploads,
    pair,
    record,
    sim_recording,
    stored_files,
    sync_tasks,
    upload_files,
)

from lacrima.web.records.models import Report, SessionMarker, SessionRecord, Upload

pytestmark = pytest.mark.django_db


def _upload(client: Any, record: Any, path: Path) -> Any:
    with path.open("rb") as fh:
        return client.post(reverse("records:upload_new", kwargs={"pk": record.pk}), {"files": fh})


def test_therapist_records_a_session(pair: Any, client_of: Any) -> None:
    alice, tan = pair
    url = reverse("records:session_new", kwargs={"username": "alice"})
    page = client_of(tan).get(url)
    assert page.status_code == 200 and "Record a session" in page.text
    response = client_of(tan).post(
        url, {"starts_at": "2025-03-04T10:00", "duration_min": "50", "notes": "felt-heard-3181"}
    )
    record = SessionRecord.objects.get(client=alice)
    assert response.status_code == 302 and response["Location"].endswith(f"/records/s/{record.pk}/")
    assert (record.therapist, record.duration_min, record.notes) == (tan, 50, "felt-heard-3181")
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM records_sessionrecord WHERE id = %s", [record.pk])
        stored = cursor.fetchone()[0]
    assert "felt-heard" not in stored, "session notes must be encrypted at rest"
    assert "felt-heard-3181" in client_of(tan).get(response["Location"]).text


def test_session_form_refuses_bad_values(pair: Any, client_of: Any) -> None:
    _, tan = pair
    url = reverse("records:session_new", kwargs={"username": "alice"})
    response = client_of(tan).post(url, {"starts_at": "yesterday", "duration_min": "900"})
    assert response.status_code == 200
    assert not SessionRecord.objects.exists()
    assert "Enter a valid date/time" in response.text


def test_client_cannot_write_records(pair: Any, client_of: Any) -> None:
    alice, _ = pair
    url = reverse("records:session_new", kwargs={"username": "alice"})
    assert client_of(alice).post(url, {"starts_at": "2025-03-04T10:00"}).status_code == 403
    assert not SessionRecord.objects.exists()


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_upload_analysis_and_report(record: Any, client_of: Any, sim_recording: Path) -> None:
    tan = record.therapist
    response = _upload(client_of(tan), record, sim_recording)
    upload = Upload.objects.get(session=record)
    assert response.status_code == 302
    assert response["Location"] == reverse("records:upload", kwargs={"pk": upload.pk})
    assert upload.status == Upload.Status.DONE, upload.error
    assert upload.files == ["session.csv.gz"] and upload.format == "csv"
    report = Report.objects.get(upload=upload).data
    labels = [p["label"] for p in report["phases"]]
    assert "S" in labels and "baseline" in labels, labels
    assert [p.name for p in stored_files()] == ["session.csv.gz"]

    page = client_of(tan).get(response["Location"])
    assert page.status_code == 200
    for text in ("S-phase (arousal rising)", "Cycles", "Channel quality", "sp-timeline-data"):
        assert text in page.text
    timeline = json.loads(
        page.context["report"].timeline and json.dumps(page.context["report"].timeline)
    )
    assert len(timeline["t"]) == len(timeline["sympathetic"]) > 100
    assert "hx-get" not in page.text, "a finished analysis does not poll"


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_tears_marker_and_rerun(record: Any, client_of: Any, sim_recording: Path) -> None:
    tan = record.therapist
    _upload(client_of(tan), record, sim_recording)
    upload = Upload.objects.get(session=record)
    add = reverse("records:marker_add", kwargs={"pk": record.pk})
    response = client_of(tan).post(add, {"at": "9:40", "label": "tears", "upload": upload.pk})
    assert response.status_code == 302
    marker = SessionMarker.objects.get(session=record)
    assert (marker.time_s, marker.label, marker.upload) == (580.0, "tears", upload)
    upload.refresh_from_db()
    assert upload.markers_changed
    assert (
        "Markers changed since this report" in client_of(tan).get(f"/records/u/{upload.pk}/").text
    )

    client_of(tan).post(reverse("records:upload_rerun", kwargs={"pk": upload.pk}))
    upload.refresh_from_db()
    assert upload.status == Upload.Status.DONE and not upload.markers_changed
    used = Report.objects.get(upload=upload).data["markers"]
    assert {"time_s": 580.0, "label": "tears", "duration_s": 0.0} in used

    edit = reverse("records:marker_edit", kwargs={"pk": marker.pk})
    client_of(tan).post(edit, {"at": "10:00", "label": "relief", "note": "said lighter"})
    marker.refresh_from_db()
    assert (marker.time_s, marker.label, marker.note) == (600.0, "relief", "said lighter")
    client_of(tan).post(reverse("records:marker_delete", kwargs={"pk": marker.pk}))
    assert not SessionMarker.objects.exists()


def test_marker_time_must_be_a_clock_time(record: Any, client_of: Any) -> None:
    add = reverse("records:marker_add", kwargs={"pk": record.pk})
    response = client_of(record.therapist).post(add, {"at": "soon", "label": "tears"}, follow=True)
    assert "minutes:seconds" in response.text
    assert not SessionMarker.objects.exists()


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_client_sees_plain_version_only_with_consent(
    record: Any, client_of: Any, sim_recording: Path
) -> None:
    alice, tan = record.client, record.therapist
    _upload(client_of(tan), record, sim_recording)
    url = reverse("records:session", kwargs={"pk": record.pk})
    mine = client_of(alice).get(reverse("records:mine"))
    page = client_of(alice).get(url)
    summary = Report.objects.get().data["summary"]["client"]
    for response in (mine, page):
        assert response.status_code == 200
        assert summary[:60] in response.text
        assert "private-note-5150" not in response.text, "the therapist's notes stay private"
        assert "Sympathetic" not in response.text

    from lacrima.web.accounts.models import Consent

    Consent.objects.filter(category="sessions").update(granted=False)
    for response in (client_of(alice).get(reverse("records:mine")), client_of(alice).get(url)):
        assert response.status_code == 200
        assert summary[:60] not in response.text
        assert "sharing page" in response.text


def test_therapist_sees_only_own_records(
    record: Any, make_user: Any, link: Any, client_of: Any
) -> None:
    other = make_user(role="therapist", username="dr_other")
    link(record.client, other, consents=["sessions"])
    url = reverse("records:session", kwargs={"pk": record.pk})
    assert client_of(other).get(url).status_code == 404
    assert client_of(record.therapist).get(url).status_code == 200


BAD_FILES = {
    "empty": ("empty.csv", b"", "the file is empty"),
    "wrong format": ("picture.edf", b"\x89PNG\r\n\x1a\n" + b"\0" * 300, "PNG image"),
    "corrupt zip": ("export.zip", b"PK\x03\x04" + b"\x13" * 200, "damaged or truncated"),
    "odd name": ("rec<1>;.csv", b"time_s,eda\n0,1\n", "rename the file"),
}


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_refused_upload_keeps_nothing(record: Any, client_of: Any, case: str) -> None:
    name, data, words = BAD_FILES[case]
    url = reverse("records:upload_new", kwargs={"pk": record.pk})
    response = client_of(record.therapist).post(url, {"files": upload_files((name, data))})
    assert response.status_code == 200
    message = response.context["upload_error"]
    assert message and words in message, message
    assert "Traceback" not in response.text
    assert not Upload.objects.exists()
    assert stored_files() == []


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_oversized_upload_is_refused_while_streaming(
    record: Any, client_of: Any, settings: Any, sim_recording: Path
) -> None:
    settings.LACRIMA_MAX_UPLOAD_MB = 0.5
    response = _upload(client_of(record.therapist), record, sim_recording)
    assert response.status_code == 200
    assert "larger than the limit of 0.5 MB" in response.context["upload_error"]
    assert not Upload.objects.exists()
    assert stored_files() == []


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_unreadable_file_fails_cleanly_and_can_be_replaced(
    record: Any, client_of: Any, sim_recording: Path, django_capture_on_commit_callbacks: Any
) -> None:
    tan = record.therapist
    bad = b"time_s,eda\n0,1.0\n0.25,oops\n0.5,1.2\n"
    url = reverse("records:upload_new", kwargs={"pk": record.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(tan).post(url, {"files": upload_files(("broken.csv", bad))})
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert upload.status == Upload.Status.FAILED
    assert "broken.csv" in upload.error and "line" in upload.error, upload.error
    assert (upload.folder, upload.primary) == ("", "")
    assert stored_files() == [] and not Report.objects.exists()
    page = client_of(tan).get(response["Location"])
    assert escape(upload.error) in page.text and "Nothing of this file was kept" in page.text

    with sim_recording.open("rb") as fh, django_capture_on_commit_callbacks(execute=True):
        replaced = client_of(tan).post(
            reverse("records:upload_replace", kwargs={"pk": upload.pk}), {"files": fh}
        )
    assert replaced.status_code == 302
    upload.refresh_from_db()
    assert Upload.objects.count() == 1
    assert upload.status == Upload.Status.DONE and upload.error == ""
    assert [p.name for p in stored_files()] == ["session.csv.gz"]


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_remove_upload_session_and_account_delete_files(
    record: Any, client_of: Any, sim_recording: Path, django_capture_on_commit_callbacks: Any
) -> None:
    tan, alice = record.therapist, record.client
    for _ in range(2):
        _upload(client_of(tan), record, sim_recording)
    first, _ = Upload.objects.order_by("pk")
    assert len(stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        client_of(tan).post(reverse("records:upload_delete", kwargs={"pk": first.pk}))
    assert len(stored_files()) == 1 and Upload.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        alice.delete()
    assert stored_files() == []
    assert not SessionRecord.objects.exists() and not Upload.objects.exists()


@pytest.mark.usefixtures("clean_uploads")
def test_wfdb_files_make_one_recording(record: Any, client_of: Any, settings: Any) -> None:
    folder = Path(__file__).parents[1] / "data" / "io"
    files = [(p.name, p.read_bytes()) for p in sorted(folder.glob("mitdb100_10s.*"))]
    url = reverse("records:upload_new", kwargs={"pk": record.pk})
    client_of(record.therapist).post(url, {"files": upload_files(*files)})
    upload = Upload.objects.get()
    assert upload.primary == "mitdb100_10s.hea" and upload.format == "wfdb"
    assert upload.files == sorted(name for name, _ in files)
    assert upload.status == Upload.Status.QUEUED, "without sync the task waits for the worker"


@pytest.mark.usefixtures("clean_uploads")
def test_status_fragment_polls_until_done(record: Any, client_of: Any) -> None:
    upload = Upload.objects.create(session=record, files=["x.csv"], status=Upload.Status.RUNNING)
    url = reverse("records:upload_status", kwargs={"pk": upload.pk})
    tan = client_of(record.therapist)
    running = tan.get(url, headers={"HX-Request": "true"})
    assert "hx-get" in running.text and "HX-Refresh" not in running
    upload.status = Upload.Status.DONE
    upload.save()
    done = tan.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_upload_limit_setting_parses() -> None:
    from lacrima.errors import ConfigError
    from lacrima.web.records.q_settings import max_upload_mb, q_cluster

    assert max_upload_mb({}) == 500
    assert max_upload_mb({"LACRIMA_MAX_UPLOAD_MB": "20"}) == 20
    with pytest.raises(ConfigError, match="LACRIMA_MAX_UPLOAD_MB"):
        max_upload_mb({"LACRIMA_MAX_UPLOAD_MB": "lots"})
    assert q_cluster({})["orm"] == "default"
    assert q_cluster({"LACRIMA_REDIS_URL": "redis://127.0.0.1:6379/0"})["redis"].startswith("redis")
    with pytest.raises(ConfigError, match="LACRIMA_REDIS_URL"):
        q_cluster({"LACRIMA_REDIS_URL": "127.0.0.1"})


def test_file_markers_can_be_left_out(record: Any, client_of: Any) -> None:
    upload = Upload.objects.create(
        session=record, files=["x.csv"], folder="x", primary="x.csv", status=Upload.Status.DONE
    )
    url = reverse("records:upload_file_markers", kwargs={"pk": upload.pk})
    assert client_of(record.client).post(url, {}).status_code == 403
    assert client_of(record.therapist).post(url, {}).status_code == 302
    upload.refresh_from_db()
    assert not upload.use_file_markers and upload.markers_changed


@pytest.mark.usefixtures("clean_uploads")
def test_demo_session_is_analysed_once(make_user: Any, link: Any) -> None:
    from lacrima.web import registry
    from lacrima.web.records.demo import E4_FILE as DEMO_FILE
    from lacrima.web.records.demo import load_demo

    assert load_demo in registry.demo_loaders()
    assert DEMO_FILE.stat().st_size < 1.5 * 1024 * 1024
    users = {
        "client": make_user(role="client", username="demo_c"),
        "therapist": make_user(role="therapist", username="demo_t"),
    }
    link(users["client"], users["therapist"], consents=["diary"])
    load_demo(users)
    load_demo(users)
    upload = Upload.objects.get(primary=DEMO_FILE.name)
    assert upload.status == Upload.Status.DONE, upload.error
    phases = {p["label"] for p in Report.objects.get(upload=upload).data["phases"]}
    assert {"baseline", "S"} <= phases
    assert SessionRecord.objects.count() == 3  # simulated, E4, one planned

    rows = registry.exporters()["session_records"](users["client"])
    assert len(rows) == 3 and any("Stress-Predict" in r["notes"] for r in rows)
    recordings = registry.exporters()["session_recordings"](users["client"])
    assert any(r["files"] == DEMO_FILE.name and r["report_json"] for r in recordings)


def test_a_stuck_analysis_can_be_rerun(record: Any, client_of: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    upload = Upload.objects.create(
        session=record,
        files=["x.csv"],
        folder="x",
        primary="x.csv",
        status=Upload.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
    )
    page = client_of(record.therapist).get(reverse("records:upload", kwargs={"pk": upload.pk}))
    assert "stopped without finishing" in page.text and "Re-run the analysis" in page.text
    client_of(record.therapist).post(reverse("records:upload_rerun", kwargs={"pk": upload.pk}))
    upload.refresh_from_db()
    assert upload.status == Upload.Status.QUEUED and upload.attempt == 1


@pytest.mark.usefixtures("clean_uploads")
def test_refused_access_keeps_no_staged_file(record: Any, make_user: Any, client_of: Any) -> None:
    other = make_user(role="therapist", username="dr_other")
    url = reverse("records:upload_new", kwargs={"pk": record.pk})

    def files() -> list[Any]:
        return upload_files(("rec.csv", b"time_s,eda\n0,1\n0.25,1\n"))

    assert client_of(other).post(url, {"files": files()}).status_code == 404
    assert client_of(record.client).post(url, {"files": files()}).status_code == 403
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(record.therapist, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post(url, {"files": files()}).status_code == 403, "no CSRF token"
    assert stored_files() == [] and not Upload.objects.exists()
