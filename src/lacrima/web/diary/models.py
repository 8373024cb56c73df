"""The diary's tables: episodes, mood entries, reminders, body check-ins, worksheets,
questionnaire answers and safety flags.

Every client-written text is an :class:`~lacrima.web.crypto.EncryptedTextField`. Value
limits come from :mod:`lacrima.care` and are enforced both by validators (forms, API)
and by database check constraints, so no path can store an out-of-range value.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lacrima.care import checkins, diary, phq9
from lacrima.care.diary import EpisodeFacts
from lacrima.care.worksheets import WORKSHEETS
from lacrima.errors import CareError
from lacrima.web.crypto import EncryptedJSONField, EncryptedTextField

SCALE = [MinValueValidator(0), MaxValueValidator(10)]


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


def validate_not_future(value: Any) -> None:
    """Refuse a time in the future (beyond a few minutes of clock skew)."""
    try:
        diary.check_not_future(value, timezone.now())
    except CareError as exc:
        raise ValidationError("That time is in the future; diary entries record the past.") from exc


def _in_scale(name: str) -> Q:
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0, f"{name}__lte": 10})


class Episode(models.Model):
    """One crying episode, or a time the client wanted to cry but couldn't."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_episodes"
    )
    kind = models.CharField(max_length=16, choices=_choices(diary.KINDS))
    started_at = models.DateTimeField(default=timezone.now, validators=[validate_not_future])
    duration_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(diary.MAX_DURATION_MIN)]
    )
    intensity = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    showed = models.CharField(max_length=16, blank=True, choices=_choices(diary.SHOWED))
    trigger = EncryptedTextField(blank=True, default="", max_length=diary.MAX_TRIGGER_CHARS)
    emotions = models.JSONField(default=list, blank=True)
    company = models.CharField(max_length=16, blank=True, choices=_choices(diary.COMPANY))
    reaction = models.CharField(max_length=16, blank=True, choices=_choices(diary.REACTIONS))
    held_back = models.BooleanField(null=True, blank=True)
    mood_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    mood_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    felt = models.CharField(max_length=8, blank=True, choices=_choices(diary.FELT))
    did_not_match = models.BooleanField(default=False)
    could_not_stop = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True, default="", max_length=diary.MAX_NOTE_CHARS)
    source = models.CharField(max_length=8, default="web")  # web | api | import
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["client", "started_at"])]
        constraints = [
            models.CheckConstraint(condition=_in_scale("intensity"), name="episode_intensity_0_10"),
            models.CheckConstraint(condition=_in_scale("mood_before"), name="episode_before_0_10"),
            models.CheckConstraint(condition=_in_scale("mood_after"), name="episode_after_0_10"),
            models.CheckConstraint(
                condition=Q(kind__in=list(diary.KINDS)), name="episode_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.started_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        """Check the emotions list against the vocabulary."""
        unknown = [e for e in self.emotions or [] if e not in diary.EMOTIONS]
        if unknown:
            raise ValidationError({"emotions": f"Unknown emotion {unknown[0]!r}."})

    @property
    def emotion_labels(self) -> list[str]:
        """The emotions in words."""
        return [diary.EMOTIONS[e] for e in self.emotions or [] if e in diary.EMOTIONS]

    @property
    def mood_change(self) -> int | None:
        """Mood after minus mood before, when both were given."""
        return self.facts().mood_change

    def facts(self) -> EpisodeFacts:
        """The analytics view of this episode (no free text), in local time."""
        return EpisodeFacts(
            started_at=timezone.localtime(self.started_at),
            kind=self.kind,
            intensity=self.intensity,
            mood_before=self.mood_before,
            mood_after=self.mood_after,
            felt=self.felt or None,
            company=self.company or None,
            reaction=self.reaction or None,
            emotions=tuple(self.emotions or ()),
            held_back=self.held_back,
            did_not_match=self.did_not_match,
            could_not_stop=self.could_not_stop,
        )


class MoodEntry(models.Model):
    """A mood rating outside a crying episode (e.g. imported from Daylio)."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_moods"
    )
    at = models.DateTimeField(validators=[validate_not_future])
    mood = models.PositiveSmallIntegerField(validators=SCALE)
    label = models.CharField(max_length=32, blank=True)  # the source app's word, e.g. "meh"
    activities = EncryptedTextField(blank=True, default="")
    note = EncryptedTextField(blank=True, default="", max_length=diary.MAX_NOTE_CHARS)
    source = models.CharField(max_length=16, default="daylio")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(mood__gte=0, mood__lte=10), name="mood_0_10")
        ]


class Reminder(models.Model):
    """A reminder the client set; shown in the app when due (see care.reminders)."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_reminders"
    )
    label = EncryptedTextField(max_length=120)
    time_of_day = models.TimeField()
    weekdays = models.CharField(max_length=20, default="0,1,2,3,4,5,6")
    active = models.BooleanField(default=True)
    last_closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["time_of_day", "pk"]

    @property
    def weekday_set(self) -> frozenset[int]:
        """The weekdays as integers, 0 = Monday."""
        return frozenset(int(d) for d in self.weekdays.split(",") if d.strip())


class CheckIn(models.Model):
    """A body check-in: a few regions with a sensation and intensity, and a short note."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_checkins"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(blank=True, default="", max_length=checkins.MAX_REGION_NOTE_CHARS)

    class Meta:
        ordering = ["-created_at", "-pk"]


class CheckInRegion(models.Model):
    """One body region in a check-in."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="regions")
    region = models.CharField(max_length=16, choices=_choices(checkins.REGIONS))
    sensation = models.CharField(max_length=16, choices=_choices(checkins.SENSATIONS))
    intensity = models.PositiveSmallIntegerField(validators=SCALE)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__gte=0, intensity__lte=10), name="region_intensity_0_10"
            ),
            models.UniqueConstraint(fields=["checkin", "region"], name="one_row_per_region"),
        ]


class WorksheetEntry(models.Model):
    """A dated set of answers to one reflection worksheet (answers encrypted as JSON)."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worksheet_entries"
    )
    worksheet = models.CharField(
        max_length=32, choices=[(k, w.title) for k, w in WORKSHEETS.items()]
    )
    answers_json = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def answers(self) -> dict[str, str]:
        """The answers by question key."""
        return json.loads(self.answers_json or "{}")

    @answers.setter
    def answers(self, value: dict[str, str]) -> None:
        self.answers_json = json.dumps(value, ensure_ascii=False)  # type: ignore[assignment]

    def question_answers(self) -> list[tuple[str, str]]:
        """``(question text, answer)`` pairs in the worksheet's order."""
        sheet = WORKSHEETS[self.worksheet]
        given = self.answers
        return [(q.text, given.get(q.key, "")) for q in sheet.questions]


class Phq9Response(models.Model):
    """A completed PHQ-9 (answers 0-3 per item, the total and its band).

    The nine answers and the difficulty answer are encrypted at rest.
    """

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phq9_responses"
    )
    answers = EncryptedJSONField()
    difficulty = EncryptedTextField(blank=True, default="")
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=20, choices=[(k, label) for _, _, k, label in phq9.BANDS])
    item9_positive = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0, total__lte=27), name="phq9_total_0_27")
        ]


class Flag(models.Model):
    """Something a clinician should look at, raised for a client who shares screening.

    The therapist dashboard lists unacknowledged flags first. ``message`` is worded as a
    prompt for a clinician, never as a diagnosis. Kinds starting with ``pattern`` come
    from the diary (consent category ``diary``); ``phq9_item9`` from ``screening``.
    """

    class Kind(models.TextChoices):
        PHQ9_ITEM9 = "phq9_item9", "PHQ-9 item 9 answered above 0"
        PATTERN_NO_RELIEF = (
            "pattern_frequent_no_relief_low_mood",
            "Diary: frequent crying, no relief, low mood",
        )
        PATTERN_MISMATCH = (
            "pattern_mismatch_or_uncontrollable",
            "Diary: crying that did not match feelings or could not be stopped",
        )

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_flags"
    )
    kind = models.CharField(max_length=48, choices=Kind.choices)
    message = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = [F("acknowledged_at").asc(nulls_first=True), "-created_at"]
        indexes = [models.Index(fields=["client", "acknowledged_at"])]

    @staticmethod
    def category_of(kind: str) -> str:
        """The consent category that covers a flag of this kind.

        Screening results and risk language are ``screening``; prompts drawn from diary
        patterns are ``diary``. Unknown kinds count as ``screening``, the stricter
        choice (a client who shares only the diary never sees them reach a therapist).
        """
        return "diary" if kind.startswith(("pattern", "diary")) else "screening"

    @property
    def category(self) -> str:
        """The consent category a therapist needs to see this flag (:meth:`category_of`)."""
        return self.category_of(self.kind)
