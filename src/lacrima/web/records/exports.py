"""The records app in a client's data export (its demo sessions: :mod:`.demo`).

Export rows hold everything stored about the client's sessions, decrypted: dates,
lengths, the therapist's notes, each recording's state and report, the markers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from lacrima.web.records.models import Report, SessionMarker, SessionRecord, Upload
from lacrima.web.registry import ExportFn, iso_or_none

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = ["EXPORTS"]


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
