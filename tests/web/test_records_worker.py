"""The real worker path: an upload waits in the queue until ``lacrima worker`` runs it.

The worker runs as a separate process (``lacrima worker``, the django-q2 cluster with
its ORM broker) against the test database, exactly as ``lacrima serve`` starts it.
"""

# ruff: noqa: F811  (pytest fixtures imported from test_records_support)
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from test_records_support import clean_uploads, pair, sim_recording, stored_files  # noqa: F401

from lacrima.cli.worker import start_worker_process, stop_worker_process
from lacrima.web.records.models import Report, SessionRecord, Upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WAIT_S = 240.0


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgresql://{db['USER']}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "lacrima.web.settings"
            ),
            "LACRIMA_DATA_DIR": str(settings.LACRIMA_DATA_DIR),
            "LACRIMA_DATABASE_URL": _database_url(),
            "LACRIMA_ENCRYPTION_KEY": settings.LACRIMA_ENCRYPTION_KEYS[0],
            "LACRIMA_SECRET_KEY": settings.SECRET_KEY,  # django-q2 signs queued tasks with it
        }
    )
    return env


def _wait_until_final(upload: Upload) -> Upload:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.is_final:
            break
        time.sleep(0.5)
    return upload


@pytest.mark.usefixtures("clean_uploads")
def test_upload_is_analysed_by_the_worker_process(
    pair: tuple[Any, Any], client_of: Any, sim_recording: Path
) -> None:
    from django_q.models import OrmQ

    alice, tan = pair
    record = SessionRecord.objects.create(client=alice, therapist=tan, duration_min=50)
    with sim_recording.open("rb") as fh:
        response = client_of(tan).post(
            reverse("records:upload_new", kwargs={"pk": record.pk}), {"files": fh}
        )
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.QUEUED, "the request must not analyse"
    assert OrmQ.objects.count() == 1, "the task waits in the database queue"
    status = client_of(tan).get(reverse("records:upload_status", kwargs={"pk": upload.pk}))
    assert "Waiting for the analysis to start" in status.text

    proc = start_worker_process(_worker_env())
    try:
        upload = _wait_until_final(upload)
    finally:
        stop_worker_process(proc)
    assert proc.returncode is not None, "the worker stops when asked"
    assert upload.status == Upload.Status.DONE, upload.error or upload.stage
    labels = [p["label"] for p in Report.objects.get(upload=upload).data["phases"]]
    assert "S" in labels
    assert OrmQ.objects.count() == 0
    assert [p.name for p in stored_files()] == ["session.csv.gz"]
