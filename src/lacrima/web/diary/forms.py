"""Forms of the diary: they validate every value at the edge, with plain-language errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from lacrima.care import diary
from lacrima.care.diary_io import EXPORT_FIELDS, MAX_IMPORT_BYTES
from lacrima.care.reminders import WEEKDAYS
from lacrima.web.diary.models import Episode, Reminder

SCALE_CHOICES = [(str(i), str(i)) for i in range(11)]
YES_NO = [("", "Not sure"), ("true", "Yes"), ("false", "No")]
WEEKDAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class PlainLabels:
    """Forms whose labels carry no trailing colon (most end in a question mark)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


def _optional_radio(label: str, vocabulary: dict[str, str]) -> forms.ChoiceField:
    """An optional choice from one of the diary's vocabularies, shown as radio buttons."""
    return forms.ChoiceField(
        label=label,
        required=False,
        widget=forms.RadioSelect,
        choices=list(vocabulary.items()),
    )


class ScaleField(forms.TypedChoiceField):
    """An optional 0-10 rating, shown as eleven large radio buttons."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=SCALE_CHOICES, coerce=int, empty_value=None, **kwargs)
        self.error_messages["invalid_choice"] = "Choose a whole number from 0 to 10."


class LocalDateTimeInput(forms.DateTimeInput):
    """A phone-friendly date and time picker (``datetime-local``)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class QuickEpisodeForm(PlainLabels, forms.ModelForm):
    """The three-tap entry: only what happened (and, if wanted, how strong)."""

    kind = forms.ChoiceField(
        choices=list(diary.KINDS.items()),
        widget=forms.RadioSelect,
        label="What happened?",
        error_messages={"required": "Choose one: you cried, or you wanted to but couldn't."},
    )
    intensity = ScaleField(label="How strong? (optional, 0 = barely, 10 = the strongest)")

    class Meta:
        model = Episode
        fields = ["kind", "intensity"]


class EpisodeForm(PlainLabels, forms.ModelForm):
    """The full entry; every field but "what happened" is optional."""

    kind = QuickEpisodeForm.base_fields["kind"]
    started_at = forms.DateTimeField(
        label="When",
        widget=LocalDateTimeInput(),
        initial=timezone.now,
        error_messages={"invalid": "Enter a date and time, e.g. 2024-05-01 21:30."},
    )
    duration_min = forms.IntegerField(
        label="About how long (minutes)",
        required=False,
        min_value=0,
        max_value=diary.MAX_DURATION_MIN,
    )
    intensity = ScaleField(label="How strong? (0 = barely, 10 = the strongest)")
    showed = _optional_radio("What showed", diary.SHOWED)
    trigger = forms.CharField(
        label="What set it off",
        required=False,
        max_length=diary.MAX_TRIGGER_CHARS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    emotions = forms.MultipleChoiceField(
        label="What you felt (any that fit)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(diary.EMOTIONS.items()),
    )
    company = _optional_radio("Who was there", diary.COMPANY)
    reaction = _optional_radio("How they reacted", diary.REACTIONS)
    held_back = forms.TypedChoiceField(
        label="Did you try to hold it back?",
        required=False,
        widget=forms.RadioSelect,
        choices=YES_NO,
        coerce=lambda v: v == "true",
        empty_value=None,
    )
    mood_before = ScaleField(label="Mood before (0 = very low, 10 = very good)")
    mood_after = ScaleField(label="Mood after (0 = very low, 10 = very good)")
    felt = _optional_radio("Afterwards you felt", diary.FELT)
    did_not_match = forms.BooleanField(label="The crying did not match how I felt", required=False)
    could_not_stop = forms.BooleanField(label="I could not stop it", required=False)
    note = forms.CharField(
        label="Anything else (private, stored encrypted)",
        required=False,
        max_length=diary.MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Episode
        # Every field of the diary's own export, so an entry and an import cover the same.
        fields = list(EXPORT_FIELDS)

    def clean_started_at(self) -> Any:
        """Refuse times in the future."""
        value = self.cleaned_data["started_at"]
        if value and value > timezone.now() + diary.FUTURE_TOLERANCE:
            raise forms.ValidationError(
                "That time is in the future; diary entries record the past."
            )
        return value


class ImportForm(PlainLabels, forms.Form):
    """An uploaded diary file (our CSV/JSON export, or a Daylio CSV export)."""

    file = forms.FileField(label="Diary file (CSV, JSON or Lacrima export zip)")

    def clean_file(self) -> Any:
        """Refuse files above the import limit before reading them."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is too large; the limit is {MAX_IMPORT_BYTES // (1024 * 1024)} MB."
            )
        return upload


class ReminderForm(PlainLabels, forms.ModelForm):
    """A reminder shown in the app when due."""

    label = forms.CharField(label="Remind me to", max_length=120)
    time_of_day = forms.TimeField(
        label="At", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    days = forms.MultipleChoiceField(
        label="On",
        widget=forms.CheckboxSelectMultiple,
        choices=list(zip(WEEKDAYS, WEEKDAY_LABELS, strict=True)),
        initial=list(WEEKDAYS),
        error_messages={"required": "Choose at least one day."},
    )

    class Meta:
        model = Reminder
        fields = ["label", "time_of_day"]

    def save(self, commit: bool = True) -> Reminder:
        """Store the chosen days as ``"0,3"`` (Monday = 0)."""
        reminder: Reminder = super().save(commit=False)
        days = sorted(WEEKDAYS.index(d) for d in self.cleaned_data["days"])
        reminder.weekdays = ",".join(str(d) for d in days)
        if commit:
            reminder.save()
        return reminder
