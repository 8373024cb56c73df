"""Input and output schemas of the diary API (separate, so nothing leaks by accident)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt, field_validator

from lacrima.care import diary

Kind = Literal["cried", "could_not_cry"]
Showed = Literal["moist_eyes", "tears", "sobbing"]
Emotion = Literal[
    "sadness", "grief", "anger", "joy", "relief", "stress", "empathy", "helplessness", "other"
]
Company = Literal["alone", "one", "several"]
Reaction = Literal["comforting", "neutral", "dismissive"]
Felt = Literal["better", "same", "worse"]
Scale = Annotated[StrictInt, Field(ge=0, le=10)]
Minutes = Annotated[StrictInt, Field(ge=0, le=diary.MAX_DURATION_MIN)]


def _check_time(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("started_at needs a UTC offset, e.g. 2024-05-01T21:30:00+02:00")
    if value > timezone.now() + diary.FUTURE_TOLERANCE:
        raise ValueError("started_at is in the future; diary entries record the past")
    return value


class EpisodePatch(Schema):
    """Fields to change (PATCH): any subset; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind | None = None
    started_at: datetime | None = Field(None, description="ISO 8601 with a UTC offset")
    duration_min: Minutes | None = None
    intensity: Scale | None = Field(None, description="0 (barely) to 10 (strongest)")
    showed: Showed | None = None
    trigger: str | None = Field(None, max_length=diary.MAX_TRIGGER_CHARS)
    emotions: list[Emotion] | None = Field(None, max_length=len(diary.EMOTIONS))
    company: Company | None = None
    reaction: Reaction | None = None
    held_back: StrictBool | None = None
    mood_before: Scale | None = Field(None, description="0 (very low) to 10 (very good)")
    mood_after: Scale | None = Field(None, description="0 (very low) to 10 (very good)")
    felt: Felt | None = None
    did_not_match: StrictBool | None = None
    could_not_stop: StrictBool | None = None
    note: str | None = Field(None, max_length=diary.MAX_NOTE_CHARS, description="Encrypted")

    @field_validator("started_at")
    @classmethod
    def _not_future(cls, value: datetime | None) -> datetime | None:
        return _check_time(value)


class EpisodeIn(EpisodePatch):
    """A new episode (POST) or a full replacement (PUT). Only ``kind`` is required."""

    kind: Kind  # type: ignore[assignment]
    did_not_match: StrictBool = False  # type: ignore[assignment]
    could_not_stop: StrictBool = False  # type: ignore[assignment]


class EpisodeOut(Schema):
    """An episode as the API returns it."""

    id: int
    kind: Kind
    started_at: datetime
    duration_min: int | None
    intensity: int | None
    showed: str
    trigger: str
    emotions: list[str]
    company: str
    reaction: str
    held_back: bool | None
    mood_before: int | None
    mood_after: int | None
    felt: str
    did_not_match: bool
    could_not_stop: bool
    note: str
    created_at: datetime
    updated_at: datetime


class EpisodeSaved(EpisodeOut):
    """A saved episode, with whether crisis resources should be shown now."""

    show_crisis_resources: bool = Field(
        description="True when the text holds language about suicide or self-harm: show "
        "the crisis resources at /crisis/ now. Lacrima is not watched in real time."
    )
    crisis_url: str = "/crisis/"


class IntervalOut(Schema):
    """A confidence interval."""

    low: float
    high: float
    confidence: float


class ShareOut(Schema):
    """``k`` of ``n`` with a Wilson interval."""

    k: int
    n: int
    share: float | None
    interval: IntervalOut | None


class CorrelationOut(Schema):
    """Spearman rank correlation of intensity with mood change."""

    n: int
    rho: float | None
    interval: IntervalOut | None


class GroupOut(Schema):
    """Mood outcome for one group of cries."""

    key: str
    label: str
    n: int
    n_change: int
    mean_change: float | None
    improved: ShareOut


class WeekOut(Schema):
    """One calendar week."""

    week_start: date
    n_cried: int
    n_could_not_cry: int
    mean_change: float | None
    improved: ShareOut


class ReferenceOut(Schema):
    """A published reference point."""

    key: str
    who: str
    finding: str
    source: str
    share_improved: float | None
    secondary: bool


class SummaryOut(Schema):
    """Catharsis analytics for one client's diary."""

    n_episodes: int
    n_cried: int
    n_could_not_cry: int
    improved: ShareOut
    felt: dict[str, int]
    mean_change: float | None
    intensity_vs_change: CorrelationOut
    by_company: list[GroupOut]
    by_reaction: list[GroupOut]
    by_emotion: list[GroupOut]
    by_held_back: list[GroupOut]
    weeks: list[WeekOut]
    reading: list[str]
    references: list[ReferenceOut]
