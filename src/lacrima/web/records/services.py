"""Operations on session records that views and the API share.

Views check access with :mod:`lacrima.web.policy` and validate with forms; these
functions change rows and files, each all or nothing: files are checked in their staging
folder, moved into place only with their row, and a refused upload leaves nothing behind.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from lacrima.io.detect import detect_format, resolve_path
from lacrima.web.records.models import Report, SessionMarker, SessionRecord, Upload, uploads_root
from lacrima.web.records.storage import (
    StagedFile,
    UploadRefused,
    group_recordings,
    private_folder,
    remove_folder,
)

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = [
    "TASK",
    "add_marker",
    "change_marker",
    "delete_marker",
    "delete_upload",
    "enqueue_analysis",
    "replace_upload",
    "rerun",
    "store_uploads",
    "use_file_markers",
]

logger = logging.getLogger(__name__)

#: The background task (run by ``lacrima worker``).
TASK = "lacrima.web.records.tasks.analyse_upload"


def _staging_of(files: Sequence[StagedFile]) -> Path | None:
    return files[0].staged_path.parent if files else None


def _check_recording(folder: Path, primary: str) -> str:
    """The format of a staged recording; raises a ReadError with the reader's message."""
    return detect_format(resolve_path(folder / primary))


def _hints(fmt: str, fs_hz: float | None) -> dict[str, Any]:
    return {"fs": fs_hz} if fmt == "csv" and fs_hz else {}


def _move_into_place(staging: Path, session: SessionRecord, files: list[str]) -> str:
    """Move ``files`` from the staging folder into a new folder; its path under uploads."""
    relative = Path(str(session.client_id)) / str(session.pk) / secrets.token_hex(6)
    target = private_folder(relative)
    for name in files:
        (staging / name).rename(target / name)
    return str(relative)


def enqueue_analysis(upload: Upload, run_now: bool = False) -> None:
    """Queue the analysis of ``upload`` for the worker (after the transaction commits).

    With ``Q_CLUSTER["sync"]`` (tests) the task runs at once, through django-q2; with
    ``run_now`` (the demo loader) it runs at once, in this process, without the queue.
    """
    from django_q.tasks import async_task

    from lacrima.web.records.tasks import analyse_upload

    upload.attempt += 1
    upload.status = Upload.Status.QUEUED
    upload.stage = "Waiting for the analysis to start"
    upload.started_at = upload.finished_at = None
    upload.queued_at = timezone.now()
    upload.markers_changed = False
    upload.save()
    args = (upload.pk, upload.attempt)
    name = f"analyse upload {upload.pk}"
    if run_now:
        analyse_upload(*args)
    elif settings.Q_CLUSTER.get("sync"):
        async_task(TASK, *args, task_name=name, sync=True)
    else:
        transaction.on_commit(lambda: async_task(TASK, *args, task_name=name, group="records"))


def store_uploads(
    session: SessionRecord,
    files: Sequence[StagedFile],
    fs_hz: float | None = None,
    run_now: bool = False,
) -> list[Upload]:
    """Store the staged files as one upload per recording and queue their analysis.

    ``run_now`` analyses in this process instead of the worker (demo data only).

    Raises
    ------
    UploadRefused, lacrima.errors.ReadError
        A file is empty, of a format no reader takes, or missing its companion; nothing
        is stored then and the staged files are deleted.
    """
    staging = _staging_of(files)
    if staging is None:
        raise UploadRefused("Choose a recording file to upload.")
    moved: list[str] = []
    try:
        groups = group_recordings([f.name for f in files])
        checked = [(g, _check_recording(staging, g.primary)) for g in groups]
        with transaction.atomic():
            uploads = []
            for group, fmt in checked:
                folder = _move_into_place(staging, session, group.files)
                moved.append(folder)
                size = sum((uploads_root() / folder / n).stat().st_size for n in group.files)
                upload = Upload.objects.create(
                    session=session,
                    folder=folder,
                    files=group.files,
                    primary=group.primary,
                    size_bytes=size,
                    format=fmt,
                    hints=_hints(fmt, fs_hz),
                )
                enqueue_analysis(upload, run_now=run_now)
                uploads.append(upload)
    except BaseException:
        for folder in moved:
            remove_folder(uploads_root() / folder)
        raise
    finally:
        remove_folder(staging)
    return uploads


def replace_upload(upload: Upload, files: Sequence[StagedFile], fs_hz: float | None) -> Upload:
    """Put new file(s) in place of an upload's recording and analyse again.

    The therapist's markers stay; the old files and report go. Refused files change
    nothing (see :func:`store_uploads`).
    """
    staging = _staging_of(files)
    if staging is None:
        raise UploadRefused("Choose a recording file to upload.")
    folder = ""
    try:
        groups = group_recordings([f.name for f in files])
        if len(groups) != 1:
            raise UploadRefused(
                "Choose the file(s) of one recording to replace this one; to add another "
                "recording, upload it on the session page."
            )
        fmt = _check_recording(staging, groups[0].primary)
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload.pk)
            old = locked.path
            folder = _move_into_place(staging, locked.session, groups[0].files)
            Report.objects.filter(upload=locked).delete()
            locked.folder, locked.files, locked.primary = folder, groups[0].files, groups[0].primary
            locked.size_bytes = sum(
                (uploads_root() / folder / n).stat().st_size for n in locked.files
            )
            locked.format, locked.hints = fmt, _hints(fmt, fs_hz)
            locked.error, locked.read_notes = "", []
            enqueue_analysis(locked)
            transaction.on_commit(lambda: remove_folder(old))
    except BaseException:
        if folder:
            remove_folder(uploads_root() / folder)
        raise
    finally:
        remove_folder(staging)
    return locked


def rerun(upload: Upload) -> None:
    """Analyse a stored recording again (after markers changed).

    Raises
    ------
    UploadRefused
        The recording's files are gone (a failed upload): replace it instead.
    """
    if not upload.folder:
        raise UploadRefused("This upload holds no readable file; replace it with a new one.")
    with transaction.atomic():
        enqueue_analysis(Upload.objects.select_for_update().get(pk=upload.pk))


def use_file_markers(upload: Upload, use: bool) -> None:
    """Use (or leave out) the markers written in the file; takes effect at the next run."""
    if upload.use_file_markers != use:
        upload.use_file_markers = use
        upload.markers_changed = upload.status == Upload.Status.DONE
        upload.save(update_fields=["use_file_markers", "markers_changed"])


def delete_upload(upload: Upload) -> None:
    """Remove an upload, its report, markers and files."""
    upload.delete()


def _markers_changed(session: SessionRecord, upload: Upload | None) -> None:
    qs = Upload.objects.filter(session=session, status=Upload.Status.DONE)
    if upload is not None:
        qs = qs.filter(pk=upload.pk)
    qs.update(markers_changed=True)


def add_marker(
    session: SessionRecord,
    upload: Upload | None,
    time_s: float,
    label: str,
    note: str,
    by: User,
) -> SessionMarker:
    """Add a therapist's marker (to one recording, or with ``upload=None`` to all)."""
    with transaction.atomic():
        marker = SessionMarker.objects.create(
            session=session, upload=upload, time_s=time_s, label=label, note=note, created_by=by
        )
        _markers_changed(session, upload)
    return marker


def change_marker(marker: SessionMarker, time_s: float, label: str, note: str) -> SessionMarker:
    """Correct a marker's time, label or note."""
    with transaction.atomic():
        marker.time_s, marker.label, marker.note = time_s, label, note
        marker.save()
        _markers_changed(marker.session, marker.upload)
    return marker


def delete_marker(marker: SessionMarker) -> None:
    """Remove a marker."""
    with transaction.atomic():
        marker.delete()
        _markers_changed(marker.session, marker.upload)


@receiver(post_delete, sender=Upload)
def _remove_files(sender: type[Upload], instance: Upload, **kwargs: Any) -> None:
    """Delete an upload's files once its row is gone (also for cascades: account deletion)."""
    path = instance.path
    if path is not None:
        transaction.on_commit(lambda: remove_folder(path))
