"""Forms for body check-ins, reflection worksheets and the PHQ-9."""

from __future__ import annotations

from typing import Any

from django import forms

from lacrima.care import checkins, phq9
from lacrima.care.worksheets import MAX_ANSWER_CHARS, Worksheet
from lacrima.web.diary.forms import PlainLabels, ScaleField


class CheckInForm(PlainLabels, forms.Form):
    """A sensation and intensity for any body regions that stand out, and a note."""

    note = forms.CharField(
        label="A short note (optional, stored encrypted)",
        required=False,
        max_length=checkins.MAX_REGION_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in checkins.REGIONS.items():
            self.fields[f"{key}_sensation"] = forms.ChoiceField(
                label=f"{label}: what it feels like",
                required=False,
                choices=[("", "Nothing in particular"), *checkins.SENSATIONS.items()],
            )
            self.fields[f"{key}_intensity"] = ScaleField(label=f"{label}: how strong (0-10)")

    def region_rows(self) -> list[dict[str, Any]]:
        """For the template: each region with its two bound fields."""
        return [
            {
                "key": key,
                "label": label,
                "sensation": self[f"{key}_sensation"],
                "intensity": self[f"{key}_intensity"],
            }
            for key, label in checkins.REGIONS.items()
        ]

    def clean(self) -> dict[str, Any]:
        """Pair each sensation with an intensity; require at least one region."""
        data = super().clean()
        chosen = []
        for key, label in checkins.REGIONS.items():
            sensation = data.get(f"{key}_sensation")
            intensity = data.get(f"{key}_intensity")
            if sensation and intensity is None:
                self.add_error(f"{key}_intensity", f"How strong is it in your {label.lower()}?")
            elif intensity is not None and not sensation:
                self.add_error(f"{key}_sensation", f"What does your {label.lower()} feel like?")
            elif sensation:
                chosen.append({"region": key, "sensation": sensation, "intensity": intensity})
        if not chosen and not self.errors:
            raise forms.ValidationError("Pick at least one part of the body, or choose 'Not now'.")
        data["regions"] = chosen
        return data


class WorksheetForm(PlainLabels, forms.Form):
    """One text box per worksheet question."""

    def __init__(self, worksheet: Worksheet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.worksheet = worksheet
        for q in worksheet.questions:
            self.fields[q.key] = forms.CharField(
                label=q.text,
                help_text=q.hint,
                required=False,
                max_length=MAX_ANSWER_CHARS,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def clean(self) -> dict[str, Any]:
        """At least one answer."""
        data = super().clean()
        if not self.errors and not any(
            (data.get(q.key) or "").strip() for q in self.worksheet.questions
        ):
            raise forms.ValidationError("Write something in at least one box, or choose 'Not now'.")
        return data


class Phq9Form(PlainLabels, forms.Form):
    """The nine PHQ-9 items (all required) and the unscored difficulty question."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(v), label) for v, label in phq9.OPTIONS]
        for number, text in enumerate(phq9.ITEMS, start=1):
            self.fields[f"item{number}"] = forms.TypedChoiceField(
                label=f"{number}. {text}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Please answer this question."},
            )
        self.fields["difficulty"] = forms.ChoiceField(
            label=phq9.DIFFICULTY_QUESTION,
            required=False,
            widget=forms.RadioSelect,
            choices=list(phq9.DIFFICULTY_OPTIONS),
        )

    def item_fields(self) -> list[forms.BoundField]:
        """The nine item fields, in order, for the template."""
        return [self[f"item{n}"] for n in range(1, len(phq9.ITEMS) + 1)]

    def answers(self) -> list[int]:
        """The nine answers, after validation."""
        return [self.cleaned_data[f"item{n}"] for n in range(1, len(phq9.ITEMS) + 1)]
