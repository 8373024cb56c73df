"""Diary operations that views and the API share: analytics, import and export.

Views and API operations stay thin: they check access with :mod:`lacrima.web.policy`,
validate with forms or schemas, and call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from lacrima.care.catharsis import CatharsisSummary, summarize
from lacrima.care.diary_io import read_diary_file
from lacrima.care.patterns import MoodPoint, Prompt, find_patterns
from lacrima.care.reading import describe
from lacrima.care.reminders import ReminderSpec, due_reminders
from lacrima.web.diary.models import Episode, MoodEntry, Reminder
from lacrima.web.diary.safety import needs_support

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = [
    "DiaryOverview",
    "ImportResult",
    "due_for",
    "episode_row",
    "import_diary_file",
    "overview_for",
    "patterns_for",
]


def episode_row(e: Episode) -> dict[str, Any]:
    """One episode as an export row (decrypted; the fields of ``EXPORT_FIELDS`` and more)."""
    row: dict[str, Any] = {
        "id": e.pk,
        "kind": e.kind,
        "started_at": e.started_at.isoformat(),
        "duration_min": e.duration_min,
        "intensity": e.intensity,
        "showed": e.showed,
        "trigger": e.trigger,
        "emotions": ";".join(e.emotions or []),
        "company": e.company,
        "reaction": e.reaction,
        "held_back": e.held_back,
        "mood_before": e.mood_before,
        "mood_after": e.mood_after,
        "felt": e.felt,
        "did_not_match": e.did_not_match,
        "could_not_stop": e.could_not_stop,
        "note": e.note,
        "created_at": e.created_at.isoformat() if e.created_at else None,
    }
    return row


@dataclass(frozen=True)
class DiaryOverview:
    """What the diary and summary pages show, computed once."""

    episodes: list[Episode]
    summary: CatharsisSummary
    reading: list[str]


def overview_for(client: User) -> DiaryOverview:
    """All of a client's episodes (newest first) with their analytics and reading."""
    episodes = list(Episode.objects.filter(client=client))
    summary = summarize(e.facts() for e in episodes)
    return DiaryOverview(episodes=episodes, summary=summary, reading=describe(summary))


def patterns_for(client: User, episodes: list[Episode] | None = None) -> list[Prompt]:
    """The pattern prompts for a client's diary now."""
    episodes = episodes if episodes is not None else list(Episode.objects.filter(client=client))
    moods = [
        MoodPoint(at=timezone.localtime(m.at), mood=m.mood)
        for m in MoodEntry.objects.filter(client=client)
    ]
    return find_patterns([e.facts() for e in episodes], moods, timezone.localtime())


def due_for(client: User, now: datetime | None = None) -> list[Reminder]:
    """The client's reminders that are due now."""
    now = timezone.localtime(now)
    reminders = {r.pk: r for r in Reminder.objects.filter(client=client, active=True)}
    specs = [
        ReminderSpec(
            key=r.pk,
            label=r.label,
            time_of_day=r.time_of_day,
            weekdays=r.weekday_set,
            active=r.active,
            last_closed_at=timezone.localtime(r.last_closed_at) if r.last_closed_at else None,
        )
        for r in reminders.values()
    ]
    return [reminders[s.key] for s in due_reminders(specs, now)]


@dataclass(frozen=True)
class ImportResult:
    """What an import added."""

    source: str
    added: int
    skipped: int
    needs_support: bool


_BLANK_STRINGS = {"showed", "felt", "company", "reaction"}


def _episode_key(started_at: datetime, kind: str) -> tuple[str, str]:
    return (started_at.astimezone(UTC).isoformat(timespec="seconds"), kind)


@transaction.atomic
def import_diary_file(client: User, data: bytes) -> ImportResult:
    """Import our own export (CSV/JSON) or a Daylio CSV for ``client``.

    Rows already in the diary (same time and kind; same time for moods) are skipped, so
    importing a file twice adds nothing. A bad row raises ``CareError`` and nothing is
    stored.
    """
    batch = read_diary_file(data, timezone.now())
    if batch.source == "daylio":
        have = set(MoodEntry.objects.filter(client=client).values_list("at", flat=True))
        new = []
        for m in batch.moods:
            at = timezone.make_aware(m.at) if timezone.is_naive(m.at) else m.at
            if at not in have:
                have.add(at)
                new.append(
                    MoodEntry(
                        client=client,
                        at=at,
                        mood=m.mood,
                        label=m.mood_label,
                        activities="; ".join(m.activities),
                        note=m.note,
                        source="daylio",
                    )
                )
        MoodEntry.objects.bulk_create(new)
        notes = [m.note for m in batch.moods]
        return ImportResult("daylio", len(new), len(batch.moods) - len(new), needs_support(*notes))
    have_keys = {
        _episode_key(at, kind)
        for at, kind in Episode.objects.filter(client=client).values_list("started_at", "kind")
    }
    episodes = []
    for row in batch.episodes:
        key = _episode_key(row["started_at"], row["kind"])
        if key in have_keys:
            continue
        have_keys.add(key)
        fields = {k: ("" if v is None and k in _BLANK_STRINGS else v) for k, v in row.items()}
        episodes.append(Episode(client=client, source="import", **fields))
    Episode.objects.bulk_create(episodes)
    texts = [r["note"] for r in batch.episodes] + [r["trigger"] for r in batch.episodes]
    return ImportResult(
        "lacrima", len(episodes), len(batch.episodes) - len(episodes), needs_support(*texts)
    )
