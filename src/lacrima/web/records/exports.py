"""The records app in a client's data export, and its demo session.

Export rows hold everything stored about the client's sessions, decrypted: dates,
lengths, the therapist's notes, each recording's state and report, the markers.
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from lacrima.web.records.models import Report, SessionMarker, SessionRecord, Upload
from lacrima.web.registry import ExportFn, iso_or_none

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = ["DEMO_FILE", "EXPORTS", "load_demo"]

DEMO_FILE = Path(__file__).with_name("demo_data") / "e4_demo_session.zip"
DEMO_NOTES = (
    "Demo session. The recording is 20 minutes of a real Empatica E4 wrist recording from "
    "the Stress-Predict dataset (participant S14): relaxation, a 10-minute interview, then "
    "relaxation again. Nobody cries in it; it shows what the S-P report looks like on "
    "real wrist data. See demo_data/SOURCE.md."
)


def _sessions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "starts_at": iso_or_none(r.starts_at),
            "duration_min": r.duration_min,
            "therapist": r.therapist.username if r.therapist else "",
            "notes": r.notes,
            "created_at": iso_or_none(r.created_at),
        }
        for r in SessionRecord.objects.filter(client=user).select_related("therapist")
    ]


def _recordings(user: User) -> list[dict[str, Any]]:
    reports = {r.upload_id: r.data for r in Report.objects.filter(upload__session__client=user)}
    return [
        {
            "id": u.pk,
            "session_id": u.session_id,
            "files": ";".join(u.files),
            "format": u.format,
            "size_bytes": u.size_bytes,
            "status": u.status,
            "error": u.error,
            "uploaded_at": iso_or_none(u.created_at),
            "analysed_at": iso_or_none(u.finished_at),
            "report_json": json.dumps(reports[u.pk]) if u.pk in reports else "",
        }
        for u in Upload.objects.filter(session__client=user)
    ]


def _markers(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": m.pk,
            "session_id": m.session_id,
            "recording_id": m.upload_id,
            "time_s": m.time_s,
            "label": m.label,
            "note": m.note,
        }
        for m in SessionMarker.objects.filter(session__client=user)
    ]


EXPORTS: dict[str, ExportFn] = {
    "session_records": _sessions,
    "session_recordings": _recordings,
    "session_markers": _markers,
}


def load_demo(users: dict[str, User]) -> None:
    """A past demo session with the analysed E4 recording, and one planned (idempotent).

    The demo client shares ``sessions`` with the demo therapist (granted here when the
    client never decided), so both see it.
    """
    from lacrima.web.accounts.models import Consent, TherapistLink
    from lacrima.web.records import services
    from lacrima.web.records.storage import StagedFile, stage_folder

    client, therapist = users["client"], users["therapist"]
    link = TherapistLink.objects.filter(client=client, therapist=therapist).first()
    if link is not None:
        Consent.objects.get_or_create(link=link, category="sessions", defaults={"granted": True})
    done = Upload.objects.filter(
        session__client=client, primary=DEMO_FILE.name, status=Upload.Status.DONE
    )
    if done.exists():
        return
    today = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    record = SessionRecord.objects.create(
        client=client,
        therapist=therapist,
        starts_at=today - timedelta(days=7),
        duration_min=50,
        notes=DEMO_NOTES,
    )
    SessionRecord.objects.get_or_create(
        client=client,
        therapist=therapist,
        starts_at=today + timedelta(days=7),
        defaults={"duration_min": 50},
    )
    SessionMarker.objects.create(
        session=record, time_s=186.0, label="note", note="Interview begins", created_by=therapist
    )
    staging = stage_folder()
    shutil.copyfile(DEMO_FILE, staging / DEMO_FILE.name)
    staged = StagedFile(
        staging / DEMO_FILE.name, DEMO_FILE.name, DEMO_FILE.stat().st_size, "application/zip"
    )
    services.store_uploads(record, [staged], run_now=True)
