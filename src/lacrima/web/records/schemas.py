"""Input and output schemas of the records API (separate, so nothing leaks by accident)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt, field_validator

from lacrima.web.records.models import MARKER_LABELS, MAX_DURATION_MIN, MAX_MARKER_NOTE_CHARS

MarkerLabel = Literal["tears", "crying", "relief", "baseline_start", "baseline_end", "note"]
assert set(MarkerLabel.__args__) == set(MARKER_LABELS)  # type: ignore[attr-defined]


class SessionIn(Schema):
    """A new session: when it starts (with a UTC offset), how long, notes."""

    model_config = ConfigDict(extra="forbid")

    starts_at: datetime
    duration_min: Annotated[StrictInt, Field(ge=1, le=MAX_DURATION_MIN)] | None = None
    notes: Annotated[str, Field(max_length=20_000)] = ""

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("starts_at needs a UTC offset, e.g. 2025-05-01T14:00:00+02:00")
        return value


class MarkerIn(Schema):
    """A marker on one recording: seconds from its start, a label, an optional note."""

    model_config = ConfigDict(extra="forbid")

    time_s: Annotated[float, Field(ge=0, le=24 * 3600, allow_inf_nan=False)]
    label: MarkerLabel
    note: Annotated[str, Field(max_length=MAX_MARKER_NOTE_CHARS)] = ""


class MarkerOut(Schema):
    """A therapist's marker."""

    id: int
    time_s: float
    label: str
    note: str
    recording_id: int | None


class RecordingOut(Schema):
    """An uploaded recording and the state of its analysis."""

    id: int
    files: list[str]
    format: str
    size_bytes: int
    status: str
    stage: str
    error: str
    read_notes: list[str]
    markers_changed: bool
    uploaded_at: datetime
    analysed_at: datetime | None


class RecordingReportOut(RecordingOut):
    """A recording with its report: the full S-P report (therapist) or plain words (client)."""

    report: dict[str, Any] | None = None
    plain_summary: str | None = None


class SessionOut(Schema):
    """A session record as its therapist sees it."""

    id: int
    client: str
    starts_at: datetime
    duration_min: int | None
    notes: str
    recordings: list[RecordingOut]
    markers: list[MarkerOut]


class ClientSessionOut(Schema):
    """A session record as its client sees it (no notes, plain language only)."""

    id: int
    starts_at: datetime
    duration_min: int | None
    therapist: str
    plain_summaries: list[str]


class DashboardRowOut(Schema):
    """One client of the dashboard; ``null`` means "not shared with you"."""

    username: str
    name: str
    shared: list[str]
    open_flags: int | None
    last_activity: datetime | None
    last_episode: datetime | None
    cries_recent: int | None
    better_recent: int | None
    known_recent: int | None
    passed_steps: int | None
    total_steps: int | None
    last_session: datetime | None
    next_session: datetime | None


class DashboardOut(Schema):
    """One page of the dashboard."""

    page: int
    pages: int
    total: int
    clients: list[DashboardRowOut]


class FlagOut(Schema):
    """A flag after acknowledging it."""

    id: int
    kind: str
    acknowledged_at: datetime | None


class Detail(Schema):
    """An error message."""

    detail: str
