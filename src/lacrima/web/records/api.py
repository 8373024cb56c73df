"""JSON API of the records app (mounted at ``/api/v1/records/``).

* ``GET /dashboard`` — the therapist's clients (``sort``, ``show``, ``q``, ``page``).
* ``GET /sessions?client=<username>`` — a therapist's records of a client; without
  ``client``, a client's own records in plain language (only while shared).
* ``POST /clients/{username}/sessions`` — a therapist records a session.
* ``GET /sessions/{session_id}`` — one record with its recordings and markers.
* ``GET /recordings/{recording_id}`` — state of the analysis and the report.
* ``POST /recordings/{recording_id}/markers`` — add a marker; ``POST .../rerun`` —
  analyse again. Uploads go through the web page (streamed to disk with a size limit).
* ``POST /flags/{flag_id}/acknowledge`` — mark a flag as seen.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Status

from lacrima.web import policy
from lacrima.web.records import access, services
from lacrima.web.records.dashboard import acknowledge_flag as acknowledge_flag_for
from lacrima.web.records.dashboard import client_rows
from lacrima.web.records.models import Report, SessionMarker, SessionRecord, Upload
from lacrima.web.records.schemas import (
    ClientSessionOut,
    DashboardOut,
    Detail,
    FlagOut,
    MarkerIn,
    MarkerOut,
    RecordingOut,
    RecordingReportOut,
    SessionIn,
    SessionOut,
)

router = Router(tags=["records"])
SESSIONS = "sessions"


def _recording(u: Upload) -> dict[str, Any]:
    return {
        "id": u.pk,
        "files": u.files,
        "format": u.format,
        "size_bytes": u.size_bytes,
        "status": u.status,
        "stage": u.stage,
        "error": u.error,
        "read_notes": u.read_notes,
        "markers_changed": u.markers_changed,
        "uploaded_at": u.created_at,
        "analysed_at": u.finished_at,
    }


def _marker(m: SessionMarker) -> dict[str, Any]:
    return {
        "id": m.pk,
        "time_s": m.time_s,
        "label": m.label,
        "note": m.note,
        "recording_id": m.upload_id,
    }


def _session(r: SessionRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "client": r.client.username,
        "starts_at": r.starts_at,
        "duration_min": r.duration_min,
        "notes": r.notes,
        "recordings": [_recording(u) for u in r.uploads.all()],
        "markers": [_marker(m) for m in r.markers.all()],
    }


@router.get("/dashboard", response=DashboardOut, summary="The therapist's client list")
@policy.role_required("therapist")
def dashboard(
    request: HttpRequest,
    sort: Literal["flags", "activity", "name"] = "flags",
    show: Literal["all", "flagged"] = "all",
    q: str = "",
    page: int = 1,
) -> dict[str, Any]:
    """Clients with open flags first; each field only when the client shares it."""
    result = client_rows(request.user, sort=sort, show=show, q=q[:60], page=page)
    rows = [{**vars(row), "shared": sorted(row.shared)} for row in result.rows]
    return {"page": result.page, "pages": result.pages, "total": result.total, "clients": rows}


@router.get(
    "/sessions", response=list[SessionOut] | list[ClientSessionOut], summary="List session records"
)
@policy.client_data(SESSIONS)
def list_sessions(request: HttpRequest, client: str | None = None) -> list[dict[str, Any]]:
    """A therapist's records of ``client``; or, without it, the client's own (plain)."""
    subject = policy.subject_for_read(request.user, client, SESSIONS, what="session list (API)")
    if subject.pk == request.user.pk:
        return [
            {
                "id": item["record"].pk,
                "starts_at": item["record"].starts_at,
                "duration_min": item["record"].duration_min,
                "therapist": item["record"].therapist.display_name,
                "plain_summaries": [r["report"].summary for r in item["reports"]],
            }
            for item in access.client_sessions(subject)
        ]
    records = SessionRecord.objects.filter(client=subject, therapist=request.user)
    return [
        _session(r) for r in records.select_related("client").prefetch_related("uploads", "markers")
    ]


@router.post(
    "/clients/{username}/sessions",
    response={201: SessionOut, 403: Detail},
    summary="Record a session",
)
@policy.client_data(SESSIONS, therapist_writes=True)
def create_session(request: HttpRequest, username: str, payload: SessionIn) -> Status:
    """A therapist records a session with a client who shares ``sessions``."""
    subject = policy.subject_for_write(request.user, username, SESSIONS, therapist_writes=True)
    access.require_therapist(request.user)
    record = SessionRecord.objects.create(client=subject, therapist=request.user, **payload.dict())
    access.changed(request.user, record, "new session record (API)")
    return Status(201, _session(record))


@router.get(
    "/sessions/{session_id}", response=SessionOut | ClientSessionOut, summary="One session record"
)
@policy.client_data(SESSIONS)
def get_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    """The record (therapist) or its plain-language version (client, while shared)."""
    record = access.readable_session(request.user, session_id, what="session record (API)")
    if request.user.pk == record.client_id:
        view = access.client_view(record)
        return {
            "id": record.pk,
            "starts_at": record.starts_at,
            "duration_min": record.duration_min,
            "therapist": record.therapist.display_name if record.therapist else "",
            "plain_summaries": [r["report"].summary for r in view["reports"]],
        }
    return _session(record)


@router.get(
    "/recordings/{recording_id}", response=RecordingReportOut, summary="A recording and its report"
)
@policy.client_data(SESSIONS)
def get_recording(request: HttpRequest, recording_id: int) -> dict[str, Any]:
    """The analysis state; the full report for the therapist, plain words for the client."""
    upload = access.readable_upload(request.user, recording_id, what="recording report (API)")
    report = Report.objects.filter(upload=upload).first()
    data = _recording(upload)
    if request.user.pk == upload.session.client_id:
        shared = access.shares_sessions(request.user, upload.session.therapist_id)
        data["plain_summary"] = report.data["summary"]["client"] if report and shared else None
    else:
        data["report"] = report.data if report else None
    return data


@router.post(
    "/recordings/{recording_id}/markers",
    response={201: MarkerOut, 403: Detail},
    summary="Add a marker",
)
@policy.client_data(SESSIONS, therapist_writes=True)
def add_marker(request: HttpRequest, recording_id: int, payload: MarkerIn) -> Status:
    """Add a marker to one recording (re-run the analysis to use it)."""
    upload = access.writable_upload(request.user, recording_id)
    m = services.add_marker(
        upload.session, upload, payload.time_s, payload.label, payload.note, request.user
    )
    access.changed(request.user, upload.session, "added a marker (API)")
    return Status(201, _marker(m))


@router.post(
    "/recordings/{recording_id}/rerun",
    response={202: RecordingOut, 400: Detail, 403: Detail},
    summary="Analyse a recording again",
)
@policy.client_data(SESSIONS, therapist_writes=True)
def rerun(request: HttpRequest, recording_id: int) -> Status:
    """Queue the analysis again with the markers as they are now."""
    upload = access.writable_upload(request.user, recording_id)
    services.rerun(upload)
    access.changed(request.user, upload.session, "re-ran an analysis (API)")
    upload.refresh_from_db()
    return Status(202, _recording(upload))


@router.post(
    "/flags/{flag_id}/acknowledge",
    response={200: FlagOut, 403: Detail},
    summary="Acknowledge a flag",
)
@policy.client_data("screening", therapist_writes=True)
def acknowledge_flag(request: HttpRequest, flag_id: int) -> dict[str, Any]:
    """Mark a flag as seen by this therapist."""
    flag, _ = acknowledge_flag_for(request.user, flag_id, "acknowledged a flag (API)")
    return {"id": flag.pk, "kind": flag.kind, "acknowledged_at": flag.acknowledged_at}
