"""Pattern prompts: diary patterns worth talking over with a clinician.

These are prompts, never diagnoses. Each says what the person noted, in their own
terms, and suggests who to talk to. The thresholds are product choices made to be
cautious and are documented in ``docs/diary.md``; they are not clinical cut-offs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from lacrima.care.diary import EpisodeFacts

__all__ = [
    "LOW_MOOD_MEDIAN",
    "MIN_CRIES_FREQUENT",
    "MIN_MISMATCH_ENTRIES",
    "MISMATCH_DAYS",
    "WINDOW_DAYS",
    "MoodPoint",
    "Prompt",
    "find_patterns",
]

#: Look-back window for "frequent crying with no relief and low mood".
WINDOW_DAYS = 14
#: "Frequent": at least this many cries in the window (about every other day).
MIN_CRIES_FREQUENT = 7
#: "Low mood": the median of all mood ratings in the window is at or below this (0-10).
LOW_MOOD_MEDIAN = 3
#: How far back a "did not match / could not stop" entry still counts.
MISMATCH_DAYS = 30
#: A repeated pattern: at least this many such entries in :data:`MISMATCH_DAYS` days
#: before "mention it to a doctor" (one uncontrollable cry, e.g. after a loss, is
#: common; see docs/decisions/0013c-safety-net-web.md).
MIN_MISMATCH_ENTRIES = 2


@dataclass(frozen=True)
class MoodPoint:
    """A mood rating (0-10) at a time, from a mood entry or an imported app."""

    at: datetime
    mood: int


@dataclass(frozen=True)
class Prompt:
    """A message to show the person (and, with consent, their therapist).

    ``key`` is stable for tests and templates; ``learn`` names a learn page to link.
    """

    key: str
    message: str
    learn: str | None = None


def _frequent_without_relief(
    episodes: Sequence[EpisodeFacts], moods: Sequence[MoodPoint], now: datetime
) -> Prompt | None:
    start = now - timedelta(days=WINDOW_DAYS)
    cried = [e for e in episodes if e.kind == "cried" and start <= e.started_at <= now]
    if len(cried) < MIN_CRIES_FREQUENT:
        return None
    outcomes = [e.improved for e in cried if e.improved is not None]
    if len(outcomes) * 2 < len(cried) or any(outcomes):
        return None  # too little known about relief, or some cries did bring relief
    ratings: list[tuple[datetime, int]] = []
    for e in cried:
        ratings += [(e.started_at, m) for m in (e.mood_before, e.mood_after) if m is not None]
    ratings += [(m.at, m.mood) for m in moods if start <= m.at <= now]
    first_half = [r for t, r in ratings if t < start + timedelta(days=WINDOW_DAYS / 2)]
    second_half = [r for t, r in ratings if t >= start + timedelta(days=WINDOW_DAYS / 2)]
    if not first_half or not second_half:
        return None  # low mood must show in both weeks to count as "over two weeks"
    if median(r for _, r in ratings) > LOW_MOOD_MEDIAN:
        return None
    return Prompt(
        key="frequent_no_relief_low_mood",
        message=(
            f"Over the last two weeks you logged {len(cried)} cries, none of them brought "
            "relief, and your mood has mostly been low. That combination is worth talking "
            "over with your therapist or your doctor. This is not a diagnosis, just something "
            "worth bringing up."
        ),
        learn="when-to-get-help",
    )


def _mismatch(episodes: Sequence[EpisodeFacts], now: datetime) -> Prompt | None:
    start = now - timedelta(days=MISMATCH_DAYS)
    marked = [
        e
        for e in episodes
        if start <= e.started_at <= now and (e.did_not_match or e.could_not_stop)
    ]
    if len(marked) < MIN_MISMATCH_ENTRIES:
        return None
    return Prompt(
        key="mismatch_or_uncontrollable",
        message=(
            f"In the last {MISMATCH_DAYS} days you noted {len(marked)} times crying that did "
            "not match how you felt, or that you could not stop. When that keeps happening, "
            "it sometimes has a physical cause, so it is worth mentioning to a doctor, as "
            "well as to your therapist."
        ),
        learn="when-to-get-help",
    )


def find_patterns(
    episodes: Sequence[EpisodeFacts], moods: Sequence[MoodPoint], now: datetime
) -> list[Prompt]:
    """Return the prompts that apply to a diary at time ``now`` (possibly none).

    Parameters
    ----------
    episodes : sequence of EpisodeFacts
        The person's diary episodes.
    moods : sequence of MoodPoint
        Mood ratings outside episodes (mood entries, imports).
    now : datetime
        Reference time (tz-aware, like the episodes).

    Returns
    -------
    list of Prompt

    Examples
    --------
    >>> from datetime import UTC
    >>> now = datetime(2024, 5, 1, tzinfo=UTC)
    >>> once = [EpisodeFacts(now, could_not_stop=True)]
    >>> [p.key for p in find_patterns(once, [], now)]
    []
    >>> [p.key for p in find_patterns(once * 2, [], now)]
    ['mismatch_or_uncontrollable']
    """
    found = [_frequent_without_relief(episodes, moods, now), _mismatch(episodes, now)]
    return [p for p in found if p is not None]
