"""Operations on session records that views and the API share.

Views check access with :mod:`lacrima.web.policy` and validate with forms; these
functions change rows and files, each all or nothing: files are checked in their staging
folder, moved into place only with their row, and a refused upload leaves nothing behind.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from lacrima.errors import LacrimaError
from lacrima.io.detect import FileGroup, detect_format, group_files, resolve_path
from lacrima.web.records.models import Report, SessionMarker, SessionRecord, Upload, uploads_root
from lacrima.web.records.storage import (
    StagedFile,
    UploadRefused,
    private_folder,
    remove_folder,
    seal_into,
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
    "recording_paths",
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


def _formats(folder: Path, group: _Group) -> str:
    """The format of each recording of an upload, ``"+"``-joined (``"edf+csv"``)."""
    found = [_check_recording(folder, primary) for primary in group.recordings]
    return "+".join(dict.fromkeys(found))[:16]


def _hints(fmt: str, fs_hz: float | None) -> dict[str, Any]:
    return {"fs": fs_hz} if "csv" in fmt.split("+") and fs_hz else {}


@dataclass(frozen=True)
class _Group:
    """The files of one upload: one recording, or one session from several devices."""

    primary: str
    files: list[str]
    recordings: list[str]


def _groups(names: list[str], one_session: bool) -> list[_Group]:
    """Uploaded file names as uploads, by the one grouping rule of :mod:`lacrima.io`.

    Each recording (a main file with its companions) is an upload of its own, unless
    ``one_session``: then all of them are one upload, merged on one clock when analysed.
    """
    try:
        groups: list[FileGroup] = group_files(names)
    except LacrimaError as exc:
        raise UploadRefused(
            f"{exc} Choose the files of a recording together in one upload."
        ) from None
    as_names = [(g.primary.name, sorted(p.name for p in g.files)) for g in groups]
    if one_session and len(as_names) > 1:
        files = sorted(n for _, group_names in as_names for n in group_names)
        return [_Group(as_names[0][0], files, [primary for primary, _ in as_names])]
    return [_Group(primary, files, [primary]) for primary, files in as_names]


def recording_paths(upload: Upload) -> list[Path]:
    """The paths the reader opens for an upload: one, or one per device of a session.

    Raises
    ------
    UploadRefused
        The upload holds no stored file.
    """
    folder = upload.path
    if folder is None or not upload.files:
        raise UploadRefused("The recording's file is missing; replace the upload.")
    return [folder / g.primary.name for g in group_files(upload.files, strict=False)]


def _move_into_place(staging: Path, session: SessionRecord, files: list[str]) -> str:
    """Move ``files`` from the staging folder into a new folder; its path under uploads."""
    relative = Path(str(session.client_id)) / str(session.pk) / secrets.token_hex(6)
    target = private_folder(relative)
    for name in files:
        seal_into(staging / name, target / name)  # encrypted at rest (storage.py)
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
    one_session: bool = False,
) -> list[Upload]:
    """Store the staged files as one upload per recording and queue their analysis.

    With ``one_session`` the files are one session recorded with several devices (a chest
    strap and a wrist band): one upload holding all of them, stored in one folder and
    merged on one clock by the analysis (:func:`lacrima.io.read_session`).
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
        groups = _groups([f.name for f in files], one_session)
        checked = [(g, _formats(staging, g)) for g in groups]
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


def replace_upload(
    upload: Upload,
    files: Sequence[StagedFile],
    fs_hz: float | None,
    one_session: bool = False,
) -> Upload:
    """Put new file(s) in place of an upload's recording and analyse again.

    The therapist's markers stay; the old files and report go. Refused files change
    nothing (see :func:`store_uploads`); ``one_session`` as there.
    """
    staging = _staging_of(files)
    if staging is None:
        raise UploadRefused("Choose a recording file to upload.")
    folder = ""
    try:
        groups = _groups([f.name for f in files], one_session)
        if len(groups) != 1:
            raise UploadRefused(
                "Choose the file(s) of one recording to replace this one (or tick that "
                "they are one session from several devices); to add another recording, "
                "upload it on the session page."
            )
        fmt = _formats(staging, groups[0])
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
