"""Several files, one session, through the upload page: merged, aligned at 0, or refused.

Analyses run synchronously (``sync_tasks``), as in ``test_records_views.py``.
"""

# ruff: noqa: F811  (pytest fixtures imported from test_records_support)
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.urls import reverse
from test_records_support import (  # noqa: F401  (fixtures)
    SIM_SECONDS,
    clean_uploads,
    pair,
    record,
    stored_files,
    sync_tasks,
    upload_files,
)

from lacrima.web.records.models import Report, Upload
from lacrima.web.records.services import recording_paths

pytestmark = pytest.mark.django_db


def _device(
    names: list[str], *, skip_s: float, step: int, epoch: bool, shift_s: float = 0
) -> bytes:
    """One device's CSV from a simulated session: some channels, from ``skip_s`` on."""
    from lacrima.sim import simulate_session

    rec = simulate_session(
        SIM_SECONDS, fs=64, seed=2, n_cycles=1, channels=("ecg", "eda", "resp")
    ).recording
    fs = rec.channels[names[0]].fs_hz
    first = int(skip_s * fs)
    n = rec.channels[names[0]].samples.size
    t = (first + np.arange(n - first)[::step]) / fs
    start = (rec.start_time.timestamp() + shift_s) if epoch else -skip_s
    cols = [rec.channels[name].samples[first::step] for name in names]
    head = "time," + ",".join(f"{name} ({rec.channels[name].unit})" for name in names)
    rows = [f"{start + ti:.3f}," + ",".join(f"{c[i]:.5f}" for c in cols) for i, ti in enumerate(t)]
    return (head + "\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture(scope="module")
def devices() -> dict[str, bytes]:
    return {
        "chest.csv": _device(["ecg", "resp"], skip_s=0.0, step=1, epoch=True),
        "wrist.csv": _device(["eda"], skip_s=30.0, step=8, epoch=True),
        "nodate.csv": _device(["eda"], skip_s=0.0, step=8, epoch=False),
        "nextday.csv": _device(["eda"], skip_s=0.0, step=8, epoch=True, shift_s=86400.0),
    }


def _post(client: Any, record: Any, files: list[tuple[str, bytes]], one_session: bool) -> Any:
    url = reverse("records:upload_new", kwargs={"pk": record.pk})
    data: dict[str, Any] = {"files": upload_files(*files)}
    if one_session:
        data["one_session"] = "on"
    return client.post(url, data)


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_two_devices_are_one_session_on_one_clock(
    record: Any, client_of: Any, devices: dict[str, bytes]
) -> None:
    files = [(n, devices[n]) for n in ("chest.csv", "wrist.csv")]
    response = _post(client_of(record.therapist), record, files, one_session=True)
    upload = Upload.objects.get(session=record)
    assert response.status_code == 302
    assert response["Location"] == reverse("records:upload", kwargs={"pk": upload.pk})
    assert upload.status == Upload.Status.DONE, upload.error
    assert upload.files == ["chest.csv", "wrist.csv"] and upload.format == "csv"
    assert [p.name for p in recording_paths(upload)] == ["chest.csv", "wrist.csv"]
    assert sorted(p.name for p in stored_files()) == ["chest.csv", "wrist.csv"]
    assert len({p.parent for p in stored_files()}) == 1, "one folder per session upload"
    data = Report.objects.get(upload=upload).data
    assert data["recording"]["source"] == "chest.csv + wrist.csv"
    assert {"ecg", "resp", "eda"} <= set(data["channels"])
    assert data["channels"]["eda"]["used"]
    assert upload.read_notes == []
    page = client_of(record.therapist).get(response["Location"])
    assert page.status_code == 200 and "chest.csv, wrist.csv" in page.text


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_without_the_box_two_files_stay_two_recordings(
    record: Any, client_of: Any, devices: dict[str, bytes]
) -> None:
    files = [(n, devices[n]) for n in ("chest.csv", "wrist.csv")]
    response = _post(client_of(record.therapist), record, files, one_session=False)
    assert response.status_code == 302
    assert sorted(u.files[0] for u in Upload.objects.filter(session=record)) == [
        "chest.csv",
        "wrist.csv",
    ]


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_a_file_without_start_time_is_aligned_with_a_note(
    record: Any, client_of: Any, devices: dict[str, bytes]
) -> None:
    files = [(n, devices[n]) for n in ("chest.csv", "nodate.csv")]
    response = _post(client_of(record.therapist), record, files, one_session=True)
    upload = Upload.objects.get(session=record)
    assert upload.status == Upload.Status.DONE, upload.error
    assert any("nodate.csv carries no start time" in n for n in upload.read_notes)
    page = client_of(record.therapist).get(response["Location"])
    assert "Notes from reading the file" in page.text and "no start time" in page.text


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_files_that_do_not_overlap_fail_with_both_spans_and_keep_nothing(
    record: Any, client_of: Any, devices: dict[str, bytes], django_capture_on_commit_callbacks: Any
) -> None:
    files = [(n, devices[n]) for n in ("chest.csv", "nextday.csv")]
    with django_capture_on_commit_callbacks(execute=True):
        _post(client_of(record.therapist), record, files, one_session=True)
    upload = Upload.objects.get(session=record)
    assert upload.status == Upload.Status.FAILED
    assert "do not overlap" in upload.error
    assert "chest.csv runs 2024-01-01T09:00:00+00:00" in upload.error, upload.error
    assert "nextday.csv runs 2024-01-02T09:00:00+00:00" in upload.error
    assert stored_files() == [] and not Report.objects.exists()


@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_a_companion_without_its_main_file_is_refused(record: Any, client_of: Any) -> None:
    response = _post(
        client_of(record.therapist), record, [("rec.dat", b"\0" * 64)], one_session=True
    )
    assert response.status_code == 200
    assert "needs its header rec.hea" in response.context["upload_error"]
    assert not Upload.objects.exists() and stored_files() == []


def test_the_upload_form_offers_the_box() -> None:
    from lacrima.web.records.forms import UploadForm

    html = UploadForm().as_div()
    assert 'name="one_session"' in html and "several devices" in html


def _paths_of(files: list[str]) -> list[str]:
    upload = Upload(folder="x", files=files, primary=files[0])
    return [p.name for p in recording_paths(upload)]


def test_recording_paths_follow_the_grouping_rule() -> None:
    assert _paths_of(["100.atr", "100.dat", "100.hea", "wrist.csv"]) == ["100.hea", "wrist.csv"]
    assert Path(recording_paths(Upload(folder="x", files=["a.edf"]))[0]).name == "a.edf"
