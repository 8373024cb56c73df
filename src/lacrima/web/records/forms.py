"""Forms of the records app: sessions, uploads, markers and the dashboard's filters."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lacrima.web.records.models import (
    MARKER_LABELS,
    MAX_DURATION_MIN,
    MAX_MARKER_NOTE_CHARS,
    MAX_NOTES_CHARS,
    SessionRecord,
    Upload,
)

__all__ = [
    "DashboardFilterForm",
    "MarkerForm",
    "SessionForm",
    "UploadForm",
    "parse_clock",
]

_CLOCK = re.compile(r"^\s*(?:(\d{1,2}):)?(\d{1,3}):(\d{1,2}(?:\.\d+)?)\s*$")
MAX_RECORDING_S = 24 * 3600


def parse_clock(text: str) -> float:
    """Seconds from ``"m:ss"``, ``"h:mm:ss"`` or a plain number of seconds.

    Raises
    ------
    ValidationError
        The text is neither; the message shows both forms.
    """
    text = text.strip()
    match = _CLOCK.match(text)
    try:
        if match:
            hours, minutes, seconds = match.groups()
            if float(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
                raise ValueError
            value = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
        else:
            value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_RECORDING_S:
        raise ValidationError(
            "Give the time from the start of the recording as minutes:seconds (12:30) or "
            "seconds (750)."
        )
    return value


class SessionForm(forms.ModelForm):
    """Date, length and notes of a session (the notes are encrypted at rest)."""

    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    duration_min = forms.IntegerField(
        label="Length (minutes)", required=False, min_value=1, max_value=MAX_DURATION_MIN
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=MAX_NOTES_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only you see these notes. They are stored encrypted.",
    )

    class Meta:
        model = SessionRecord
        fields = ["starts_at", "duration_min", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("starts_at", now)


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files; empty files pass (the reader explains)."""

    widget = _MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        """Each file checked on its own; at least one."""
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            raise ValidationError("Choose a recording file to upload.")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UploadForm(forms.Form):
    """One or more recording files; the rate only for tables without a time column.

    The files themselves arrive through the streaming upload handler (see
    :mod:`lacrima.web.records.storage`); this form checks the other fields and that at
    least one file came.
    """

    files = MultipleFileField(
        label="Recording file(s)",
        help_text=(
            "CSV/TSV, EDF/BDF, WFDB (choose the .hea and .dat together), XDF, BIDS physio "
            "or an Empatica E4 zip. Several files make several recordings, unless you "
            "tick the box below."
        ),
    )
    one_session = forms.BooleanField(
        label="These files are one session recorded with several devices",
        required=False,
        help_text=(
            "For example a chest strap and a wrist band worn together: their signals are "
            "put on one clock by the time each file starts (or aligned at their start, "
            "with a note, when a file has no time). Files that do not overlap in time "
            "are refused."
        ),
    )
    fs_hz = forms.FloatField(
        label="Sampling rate in Hz (only for a table without a time column)",
        required=False,
        min_value=0.1,
        max_value=100_000,
    )


class MarkerForm(forms.Form):
    """A moment in a recording: when, what, and an optional note."""

    at = forms.CharField(label="Time (m:ss from the recording start)", max_length=16)
    label = forms.ChoiceField(label="What happened", choices=list(MARKER_LABELS.items()))
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=MAX_MARKER_NOTE_CHARS
    )
    upload = forms.TypedChoiceField(
        label="Recording", required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, uploads: list[Upload] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if uploads is None:
            del self.fields["upload"]
        else:
            choices = [("", "All recordings of this session")]
            choices += [(str(u.pk), u.label) for u in uploads]
            self.fields["upload"].choices = choices

    def clean_at(self) -> float:
        """The time in seconds."""
        return parse_clock(self.cleaned_data["at"])


class DashboardFilterForm(forms.Form):
    """Sorting, filtering and paging of the client list (GET parameters)."""

    SORTS = {"flags": "Open flags first", "activity": "Latest activity", "name": "Name"}
    SHOWS = {"all": "All clients", "flagged": "Only clients with open flags"}

    sort = forms.ChoiceField(label="Sort by", choices=list(SORTS.items()), required=False)
    show = forms.ChoiceField(label="Show", choices=list(SHOWS.items()), required=False)
    q = forms.CharField(label="Name contains", required=False, max_length=60)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def values(self) -> dict[str, Any]:
        """The cleaned choices, with defaults for anything missing or invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "sort": data.get("sort") or "flags",
            "show": data.get("show") or "all",
            "q": (data.get("q") or "").strip(),
            "page": data.get("page") or 1,
        }
