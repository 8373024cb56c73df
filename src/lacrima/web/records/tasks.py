"""The background task: read an uploaded recording and run the S-P analysis on it.

Run by ``lacrima worker`` (a django-q2 cluster), never in a web request. Each run carries
the upload's ``attempt`` number; a run whose attempt is no longer current (the file was
replaced or the analysis re-run meanwhile) stores nothing.

Outcomes, each stored in one transaction:

* success: a :class:`~lacrima.web.records.models.Report` and status ``done``;
* a file that cannot be read or analysed: status ``failed`` with the reader's (or the
  analysis') own message. On a first analysis the stored files are deleted, so nothing
  of a bad upload stays behind; a failed *re-run* keeps the file and the earlier report.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import lacrima
from lacrima.errors import LacrimaError
from lacrima.io import Marker
from lacrima.web.records.models import Report, SessionMarker, Upload
from lacrima.web.records.services import recording_paths
from lacrima.web.records.storage import opened_recording, remove_folder

__all__ = ["analyse_upload"]

logger = logging.getLogger(__name__)

_UNEXPECTED = (
    "The analysis stopped because of an unexpected problem in Lacrima (details are in the "
    "server log). Try again later, or replace the file; if it keeps happening, tell your "
    "administrator."
)


def _current(upload_id: int, attempt: int) -> Upload | None:
    upload = Upload.objects.select_for_update().filter(pk=upload_id).first()
    return upload if upload is not None and upload.attempt == attempt else None


def _stage(upload_id: int, attempt: int, stage: str, **fields: Any) -> bool:
    """Record progress; False when this run is stale."""
    with transaction.atomic():
        upload = _current(upload_id, attempt)
        if upload is None:
            return False
        upload.stage = stage
        for name, value in fields.items():
            setattr(upload, name, value)
        upload.save()
    return True


def _markers(upload: Upload, recording: Any) -> tuple[list[Marker], list[dict[str, Any]]]:
    """The markers to analyse with: the file's (if used) and the therapist's."""
    from_file = [
        {"time_s": float(m.time_s), "label": str(m.label), "duration_s": float(m.duration_s)}
        for m in recording.markers
    ]
    rows = SessionMarker.objects.filter(session_id=upload.session_id).filter(
        Q(upload=upload) | Q(upload__isnull=True)
    )
    merged = list(recording.markers) if upload.use_file_markers else []
    merged += [Marker(time_s=r.time_s, label=r.label) for r in rows.only("time_s", "label")]
    merged.sort(key=lambda m: m.time_s)
    return merged, from_file


def _fail(upload_id: int, attempt: int, message: str) -> None:
    with transaction.atomic():
        upload = _current(upload_id, attempt)
        if upload is None:
            return
        upload.status = Upload.Status.FAILED
        upload.error = message
        upload.stage = ""
        upload.finished_at = timezone.now()
        if not Report.objects.filter(upload=upload).exists():
            # A bad first upload: keep only the message, never the file.
            path = upload.path
            transaction.on_commit(lambda: remove_folder(path))
            upload.folder, upload.primary, upload.size_bytes = "", "", 0
            SessionMarker.objects.filter(upload=upload).delete()
        upload.save()


def _finish(
    upload_id: int,
    attempt: int,
    data: dict[str, Any],
    notes: list[str],
    file_markers: list[dict[str, Any]],
) -> bool:
    with transaction.atomic():
        upload = _current(upload_id, attempt)
        if upload is None:
            return False
        Report.objects.update_or_create(
            upload=upload,
            defaults={"data": data, "file_markers": file_markers, "created_at": timezone.now()},
        )
        upload.status = Upload.Status.DONE
        upload.stage = ""
        upload.error = ""
        upload.read_notes = notes
        upload.finished_at = timezone.now()
        upload.save()
    return True


def analyse_upload(upload_id: int, attempt: int) -> str:
    """Read and analyse one upload; returns ``"done"``, ``"failed"`` or ``"stale"``.

    Errors in the file become the upload's message; nothing is raised for them.
    """
    if not _stage(
        upload_id,
        attempt,
        "Reading the recording",
        status=Upload.Status.RUNNING,
        started_at=timezone.now(),
    ):
        return "stale"
    upload = Upload.objects.get(pk=upload_id)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if upload.primary_path is None:
                raise LacrimaError("The recording's file is missing; replace the upload.")
            paths = recording_paths(upload)
            with opened_recording(upload.path, list(upload.files)) as plain:
                recording = lacrima.read([plain / p.name for p in paths], **upload.hints)
            merged, from_file = _markers(upload, recording)
            recording.markers = merged
            if not _stage(upload_id, attempt, "Analysing the signals"):
                return "stale"
            data = lacrima.analyze(recording, progress=False).to_dict()
        notes = list(
            dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, UserWarning))
        )
    except LacrimaError as exc:
        _fail(upload_id, attempt, str(exc))
        return "failed"
    except Exception:
        logger.exception("analysis of upload %s failed unexpectedly", upload_id)
        _fail(upload_id, attempt, _UNEXPECTED)
        return "failed"
    return "done" if _finish(upload_id, attempt, data, notes, from_file) else "stale"
