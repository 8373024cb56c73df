"""Tables of the program app.

A client has one :class:`ClientProgram` (rules and state as JSON, the machine's own
format), an ordered list of :class:`HierarchyItem` and a log of :class:`Trial` and
:class:`RelaxationExercise`. Scene texts are the client's words, so they are encrypted
at rest. Only :mod:`lacrima.web.program.services` changes these rows, through the state
machine in :mod:`lacrima.care.desensitization`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lacrima.web.crypto import EncryptedTextField


def _range(field: str, low: int, high: int, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )


class ClientProgram(models.Model):
    """A client's rules and where they stand (see ``Rules`` and ``ProgramState``)."""

    client = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program"
    )
    rules = models.JSONField(default=dict)
    state = models.JSONField(default=dict)
    rules_changed_by = models.CharField(max_length=150, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"program of {self.client_id}"


class HierarchyItem(models.Model):
    """One scene of a client's hierarchy, lowest ``position`` first."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hierarchy_items"
    )
    position = models.PositiveIntegerField()
    text = EncryptedTextField()
    suds = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("position", "pk")
        constraints = [_range("suds", 0, 100, "hierarchy_item_suds_0_100")]

    def __str__(self) -> str:
        return f"step {self.position} of {self.client_id}"


class Trial(models.Model):
    """One rated presentation of a scene, whatever its outcome."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_trials"
    )
    item = models.ForeignKey(
        HierarchyItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="trials"
    )
    item_text = EncryptedTextField()
    item_suds = models.PositiveSmallIntegerField()
    session_no = models.PositiveIntegerField()
    kind = models.CharField(max_length=16)
    expectancy_pct = models.PositiveSmallIntegerField()
    peak_suds = models.PositiveSmallIntegerField()
    end_suds = models.PositiveSmallIntegerField()
    duration_s = models.FloatField()
    outcome = models.CharField(max_length=16)
    calm_run = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [
            _range("peak_suds", 0, 100, "trial_peak_suds_0_100"),
            _range("end_suds", 0, 100, "trial_end_suds_0_100"),
            _range("expectancy_pct", 0, 100, "trial_expectancy_0_100"),
            models.CheckConstraint(
                condition=Q(end_suds__lte=models.F("peak_suds")), name="trial_end_le_peak"
            ),
            models.CheckConstraint(
                condition=Q(duration_s__gte=0, duration_s__lte=3600), name="trial_duration_s"
            ),
        ]

    def __str__(self) -> str:
        return f"trial {self.pk} of {self.client_id}"


class RelaxationExercise(models.Model):
    """One relaxation exercise with the ratings before and after (0-10)."""

    class Kind(models.TextChoices):
        PMR7 = "pmr7", "Muscle relaxation (7 groups)"
        PMR4 = "pmr4", "Muscle relaxation (4 groups)"
        BREATHING = "breathing", "Paced breathing"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="relaxation_exercises"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    before = models.PositiveSmallIntegerField()
    after = models.PositiveSmallIntegerField()
    duration_s = models.FloatField(default=0)
    breaths_per_min = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [
            _range("before", 0, 10, "relaxation_before_0_10"),
            _range("after", 0, 10, "relaxation_after_0_10"),
            models.CheckConstraint(
                condition=Q(duration_s__gte=0, duration_s__lte=7200), name="relaxation_duration_s"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.client_id}"
