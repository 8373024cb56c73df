"""Forms of the program app: they validate every number at the edge.

Ranges mirror :mod:`lacrima.care.desensitization`; whatever slips past a form (for
example a rule combination) is refused again by the state machine, and the view shows
that message on the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from lacrima.care.desensitization import Item, Rules, RulesError
from lacrima.care.desensitization.hierarchy import MAX_TEXT_CHARS
from lacrima.web.program.models import RelaxationExercise

SUDS_HELP = "0 means completely calm, 100 the most distress you can imagine."


def _suds_field(label: str, help_text: str = SUDS_HELP, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class ItemForm(forms.Form):
    """Words and rating of one scene."""

    text = forms.CharField(
        label="The scene to imagine",
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        strip=True,
    )
    suds = _suds_field("How distressing it feels now (0–100)")


class AddItemForm(ItemForm):
    """A new scene, optionally at a given place (1 = first)."""

    position = forms.IntegerField(
        label="Place in the list (leave empty for last)", min_value=1, required=False
    )


class ReorderForm(forms.Form):
    """A place number for each scene; two scenes cannot share a place."""

    def __init__(self, items: Sequence[Item], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for place, item in enumerate(self.items, start=1):
            self.fields[f"place_{item.id}"] = forms.IntegerField(
                label=f"Place of “{item.text}”",
                min_value=1,
                max_value=max(len(self.items), 1),
                initial=place,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self) -> dict[str, Any]:
        """Refuse two scenes in one place, naming the place."""
        cleaned = super().clean() or {}
        places = [cleaned.get(f"place_{item.id}") for item in self.items]
        given = [p for p in places if p is not None]
        repeated = sorted({p for p in given if given.count(p) > 1})
        if repeated:
            raise forms.ValidationError(
                "Two steps cannot share a place. Repeated place: %(places)s.",
                params={"places": ", ".join(str(p) for p in repeated)},
                code="duplicate_place",
            )
        return cleaned

    def positions(self) -> dict[str, int]:
        """The cleaned places as ``{item id: place}``."""
        return {item.id: self.cleaned_data[f"place_{item.id}"] for item in self.items}


class RulesForm(forms.Form):
    """The trial rules a therapist may adjust."""

    pass_threshold_suds = _suds_field(
        "Calm enough: SUDS at or below",
        help_text="A scene counts as calm when distress stays at or below this.",
    )
    stop_threshold_suds = _suds_field(
        "Stop and relax: SUDS above",
        help_text="Above this, the scene stops and the client relaxes again.",
    )
    consecutive_passes = forms.IntegerField(
        label="Calm presentations in a row to finish a step", min_value=1, max_value=10
    )
    scene_s = forms.FloatField(label="Scene length (seconds)", min_value=5, max_value=120)
    relax_s = forms.FloatField(
        label="Relaxation between scenes (seconds)", min_value=0, max_value=600
    )
    max_step_suds = forms.IntegerField(
        label="Suggest an in-between step when neighbours differ by more than (SUDS)",
        min_value=1,
        max_value=100,
    )
    step_hint_after = forms.IntegerField(
        label="Suggest an in-between step after this many stopped scenes",
        min_value=1,
        max_value=20,
    )
    review_last_passed = forms.BooleanField(
        label="Start each session with the last step finished", required=False
    )
    criterion = forms.ChoiceField(
        label="Which rating must be calm",
        choices=[("peak", "The highest during the scene"), ("end", "The one at the end")],
    )

    def clean(self) -> dict[str, Any]:
        """Build :class:`Rules`, so combinations (stop below pass) are refused too."""
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                self.rules = Rules(**cleaned)
            except RulesError as exc:
                raise forms.ValidationError(str(exc), code="rules") from exc
        return cleaned


class ExpectancyForm(forms.Form):
    """Before the scene: how likely the feared outcome feels."""

    expectancy_pct = forms.IntegerField(
        label="How likely does it feel that what you fear would happen? (0–100 %)",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class RatingForm(forms.Form):
    """After the scene: the highest and the final distress, and how long it lasted."""

    peak_suds = _suds_field("Highest distress during the scene (0–100)")
    end_suds = _suds_field("Distress at the end of the scene (0–100)")
    duration_s = forms.FloatField(
        label="How long you imagined it (seconds)",
        min_value=0,
        max_value=3600,
        required=False,
        widget=forms.HiddenInput,
        help_text="Filled in by the scene timer; without it, the suggested scene length.",
    )

    def clean(self) -> dict[str, Any]:
        """The end rating cannot be above the highest rating."""
        cleaned = super().clean() or {}
        peak, end = cleaned.get("peak_suds"), cleaned.get("end_suds")
        if peak is not None and end is not None and end > peak:
            self.add_error(
                "end_suds", "The rating at the end cannot be higher than the highest rating."
            )
        return cleaned


RATING_CHOICES = [("", "Choose 0-10")] + [(str(n), str(n)) for n in range(11)]


class RelaxationForm(forms.Form):
    """One relaxation exercise: which, and how relaxed before and after (0-10)."""

    kind = forms.ChoiceField(choices=RelaxationExercise.Kind.choices, widget=forms.HiddenInput)
    before = forms.TypedChoiceField(
        label="Before: how relaxed do you feel? (0 not at all, 10 completely)",
        choices=RATING_CHOICES,
        coerce=int,
    )
    after = forms.TypedChoiceField(
        label="After: how relaxed do you feel now? (0 not at all, 10 completely)",
        choices=RATING_CHOICES,
        coerce=int,
    )
    duration_s = forms.FloatField(
        min_value=0, max_value=7200, required=False, widget=forms.HiddenInput
    )
    breaths_per_min = forms.FloatField(
        min_value=3, max_value=12, required=False, widget=forms.HiddenInput
    )


class PaceForm(forms.Form):
    """The breathing pacer's speed (breaths a minute)."""

    bpm = forms.FloatField(
        label="Breaths a minute",
        min_value=3,
        max_value=12,
        initial=6,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
