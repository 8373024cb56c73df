"""Tables of the records app: session records, uploaded recordings, their analysis, markers.

A :class:`SessionRecord` belongs to a client (deleted with their account) and was written
by a therapist. It may hold several :class:`Upload` rows, each one recording (one file,
or the files of one WFDB record). An upload moves through ``queued → running → done`` or
``failed``; its S-P report lives in :class:`Report`, created in the same transaction that
marks the upload done, so a report is never half-stored. Therapist-added markers are
:class:`SessionMarker` rows; markers written in the file itself stay in the file.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lacrima.web.crypto import EncryptedTextField

MAX_DURATION_MIN = 600
MAX_NOTES_CHARS = 20_000
MAX_MARKER_NOTE_CHARS = 500

#: Marker labels a therapist can add (the S-P model anchors on ``tears``/``crying`` and
#: takes ``baseline_start``/``baseline_end`` as the baseline).
MARKER_LABELS: dict[str, str] = {
    "tears": "Tears",
    "crying": "Crying without tears",
    "relief": "Client describes relief",
    "baseline_start": "Baseline starts",
    "baseline_end": "Baseline ends",
    "note": "Note",
}


def uploads_root() -> Path:
    """The folder that holds every uploaded recording (``<data dir>/uploads``)."""
    return Path(settings.LACRIMA_DATA_DIR) / "uploads"


class SessionRecord(models.Model):
    """One therapy session with a client: when, how long, notes, recordings."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_records"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_sessions",
    )
    starts_at = models.DateTimeField(default=timezone.now)
    duration_min = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MIN)],
    )
    notes = EncryptedTextField(blank=True, default="", max_length=MAX_NOTES_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "starts_at"]),
            models.Index(fields=["therapist", "client", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_min__isnull=True)
                | Q(duration_min__gte=1, duration_min__lte=MAX_DURATION_MIN),
                name="session_duration_1_600",
            )
        ]

    def __str__(self) -> str:
        return f"session of {self.client_id} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_upcoming(self) -> bool:
        """True for a session that has not started yet."""
        return self.starts_at > timezone.now()


class Upload(models.Model):
    """One uploaded recording of a session and the state of its analysis."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the analysis to start"
        RUNNING = "running", "Analysing"
        DONE = "done", "Report ready"
        FAILED = "failed", "Could not be analysed"

    session = models.ForeignKey(SessionRecord, on_delete=models.CASCADE, related_name="uploads")
    folder = models.CharField(max_length=200, blank=True, default="")
    files = models.JSONField(default=list)
    primary = models.CharField(max_length=200, blank=True, default="")
    size_bytes = models.BigIntegerField(default=0)
    format = models.CharField(max_length=16, blank=True, default="")
    hints = models.JSONField(default=dict, blank=True)
    use_file_markers = models.BooleanField(default=True)
    markers_changed = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=120, blank=True, default="")
    error = models.TextField(blank=True, default="")
    read_notes = models.JSONField(default=list, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"upload {self.pk} ({', '.join(self.files)})"

    @property
    def label(self) -> str:
        """The uploaded file names, for display."""
        return ", ".join(self.files) or "(no file)"

    @property
    def is_final(self) -> bool:
        """True once the analysis finished, well or not."""
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stuck(self) -> bool:
        """Still not finished long after the worker's time limit (the worker stopped)."""
        from lacrima.web.records.q_settings import TASK_TIMEOUT_S

        since = self.started_at or self.queued_at or self.created_at
        limit = timedelta(seconds=TASK_TIMEOUT_S + 300)
        return not self.is_final and since is not None and timezone.now() - since > limit

    @property
    def path(self) -> Path | None:
        """The folder holding the files, or None when no file is stored."""
        return uploads_root() / self.folder if self.folder else None

    @property
    def primary_path(self) -> Path | None:
        """The file the reader opens (a WFDB record is opened by its header)."""
        return self.path / self.primary if self.folder and self.primary else None


class Report(models.Model):
    """The S-P report of one upload (``lacrima.analyze(...).to_dict()``)."""

    upload = models.OneToOneField(Upload, on_delete=models.CASCADE, related_name="report")
    data = models.JSONField()
    file_markers = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"report of upload {self.upload_id}"


class SessionMarker(models.Model):
    """A moment a therapist marked: on one recording, or (no upload) on all of them.

    ``time_s`` is seconds from the recording start, as everywhere in Lacrima.
    """

    session = models.ForeignKey(SessionRecord, on_delete=models.CASCADE, related_name="markers")
    upload = models.ForeignKey(
        Upload, on_delete=models.CASCADE, null=True, blank=True, related_name="markers"
    )
    time_s = models.FloatField(validators=[MinValueValidator(0.0)])
    label = models.CharField(max_length=32, choices=list(MARKER_LABELS.items()))
    note = EncryptedTextField(blank=True, default="", max_length=MAX_MARKER_NOTE_CHARS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["time_s", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(time_s__gte=0), name="marker_time_not_negative"),
            models.CheckConstraint(
                condition=Q(label__in=list(MARKER_LABELS)), name="marker_label_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} at {self.time_s:.1f} s"

    @property
    def clock(self) -> str:
        """The time as ``m:ss`` (or ``h:mm:ss``)."""
        from lacrima.sp.summary import clock

        return clock(self.time_s)
