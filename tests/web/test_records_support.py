"""Shared fixtures and helpers of the records tests (no tests here).

Import them into a test module with ``from test_records_support import ...``.

* ``sim_recording``: a 20-minute simulated session (ECG, EDA, respiration at 64 Hz, one
  S-P cycle) written once per test run as a gzip CSV (about 1.2 MB).
* ``sync_tasks``: run the django-q2 task at once, in the request (``Q_CLUSTER["sync"]``).
* ``pair``: a client (alice) and her therapist (dr_tan) who shares ``sessions``.
* :func:`upload_files` and :func:`stored_files` for upload requests and disk checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SIM_SECONDS = 1200.0


@pytest.fixture(scope="session")
def sim_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated session with one S-P cycle, as ``session.csv.gz``."""
    from lacrima.sim import simulate_session
    from lacrima.sim.export import write_recording

    folder = tmp_path_factory.mktemp("records-sim")
    sim = simulate_session(
        SIM_SECONDS,
        fs=64,
        seed=2,
        n_cycles=1,
        channels=("ecg", "eda", "resp"),
        mark_tears=False,
        mark_baseline=False,
    )
    return write_recording(sim.recording, folder / "session.csv.gz")


@pytest.fixture
def sync_tasks(settings: Any) -> None:
    """Run analyses synchronously in the request (django-q2 ``sync=True``)."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}


@pytest.fixture
def pair(make_user: Any, link: Any) -> tuple[Any, Any]:
    """``(alice, dr_tan)``, linked, alice sharing ``sessions`` with dr_tan."""
    alice = make_user(role="client", username="alice", first_name="Alice")
    tan = make_user(role="therapist", username="dr_tan", first_name="Robin", last_name="Tan")
    link(alice, tan, consents=["sessions"])
    return alice, tan


@pytest.fixture
def record(pair: tuple[Any, Any]) -> Any:
    """A past session of alice recorded by dr_tan."""
    from datetime import timedelta

    from django.utils import timezone

    from lacrima.web.records.models import SessionRecord

    alice, tan = pair
    return SessionRecord.objects.create(
        client=alice,
        therapist=tan,
        starts_at=timezone.now() - timedelta(days=1),
        duration_min=50,
        notes="private-note-5150",
    )


def upload_files(*named: tuple[str, bytes]) -> list[Any]:
    """In-memory files for the test client's multipart POST."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(name, data) for name, data in named]


def stored_files() -> list[Path]:
    """Every file under ``<data dir>/uploads`` (staging included)."""
    from lacrima.web.records.models import uploads_root

    root = uploads_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def clean_uploads() -> Iterator[None]:
    """Start and end a test with an empty uploads folder."""
    import shutil

    from lacrima.web.records.models import uploads_root

    shutil.rmtree(uploads_root(), ignore_errors=True)
    yield
    shutil.rmtree(uploads_root(), ignore_errors=True)
