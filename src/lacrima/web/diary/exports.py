"""The diary's tables in a client's export, and the demo diary.

Every export function returns all of the client's rows in one table, decrypted, as flat
dicts of JSON-serialisable scalars (see :mod:`lacrima.web.registry`).
"""

from __future__ import annotations

import random
from datetime import time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from lacrima.web.diary.models import (
    CheckIn,
    CheckInRegion,
    Episode,
    Flag,
    MoodEntry,
    Phq9Response,
    Reminder,
    WorksheetEntry,
)
from lacrima.web.diary.services import episode_row
from lacrima.web.registry import ExportFn, iso_or_none

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User


def export_episodes(user: User) -> list[dict[str, Any]]:
    """Crying diary episodes (the same columns as the diary's own CSV export)."""
    return [episode_row(e) for e in Episode.objects.filter(client=user)]


def export_moods(user: User) -> list[dict[str, Any]]:
    """Mood entries (e.g. imported from Daylio)."""
    return [
        {
            "id": m.pk,
            "at": iso_or_none(m.at),
            "mood": m.mood,
            "label": m.label,
            "activities": m.activities,
            "note": m.note,
            "source": m.source,
        }
        for m in MoodEntry.objects.filter(client=user)
    ]


def export_reminders(user: User) -> list[dict[str, Any]]:
    """Reminders the client set."""
    return [
        {
            "id": r.pk,
            "label": r.label,
            "time_of_day": r.time_of_day.isoformat("minutes"),
            "weekdays": r.weekdays,
            "active": r.active,
            "last_closed_at": iso_or_none(r.last_closed_at),
        }
        for r in Reminder.objects.filter(client=user)
    ]


def export_checkins(user: User) -> list[dict[str, Any]]:
    """Body check-ins, one row per region noted (the note repeats on each row)."""
    rows = []
    for c in CheckIn.objects.filter(client=user).prefetch_related("regions"):
        regions = list(c.regions.all()) or [None]
        for r in regions:
            rows.append(
                {
                    "checkin_id": c.pk,
                    "created_at": iso_or_none(c.created_at),
                    "note": c.note,
                    "region": r.region if r else "",
                    "sensation": r.sensation if r else "",
                    "intensity": r.intensity if r else None,
                }
            )
    return rows


def export_worksheets(user: User) -> list[dict[str, Any]]:
    """Worksheet answers, one row per question."""
    return [
        {
            "entry_id": e.pk,
            "worksheet": e.worksheet,
            "created_at": iso_or_none(e.created_at),
            "question": question,
            "answer": answer,
        }
        for e in WorksheetEntry.objects.filter(client=user)
        for question, answer in e.question_answers()
    ]


def export_phq9(user: User) -> list[dict[str, Any]]:
    """PHQ-9 questionnaires: the nine answers, the total and its band."""
    return [
        {
            "id": r.pk,
            "created_at": iso_or_none(r.created_at),
            **{f"item{i}": a for i, a in enumerate(r.answers, start=1)},
            "difficulty": r.difficulty,
            "total": r.total,
            "band": r.band,
        }
        for r in Phq9Response.objects.filter(client=user)
    ]


def export_flags(user: User) -> list[dict[str, Any]]:
    """Safety flags raised for the client's therapist."""
    return [
        {
            "id": f.pk,
            "kind": f.kind,
            "created_at": iso_or_none(f.created_at),
            "acknowledged_at": iso_or_none(f.acknowledged_at),
            "message": f.message,
        }
        for f in Flag.objects.filter(client=user)
    ]


EXPORTS: dict[str, ExportFn] = {
    "diary_episodes": export_episodes,
    "diary_moods": export_moods,
    "diary_reminders": export_reminders,
    "body_checkins": export_checkins,
    "worksheet_answers": export_worksheets,
    "phq9": export_phq9,
    "safety_flags": export_flags,
}


@transaction.atomic
def load_demo(users: dict[str, User]) -> None:
    """A few weeks of a plausible demo diary for the demo client (idempotent)."""
    client = users.get("client")
    if client is None or Episode.objects.filter(client=client, source="demo").exists():
        return
    rng = random.Random(7)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    company = ["alone", "alone", "one", "several"]
    for day in range(35, 0, -3):
        intensity = rng.randint(2, 9)
        before = rng.randint(2, 6)
        after = max(0, min(10, before + rng.choice([-1, 0, 0, 1, 2, 3])))
        who = rng.choice(company)
        Episode.objects.create(
            client=client,
            source="demo",
            kind="cried",
            started_at=now - timedelta(days=day, hours=rng.randint(0, 10)),
            intensity=intensity,
            mood_before=before,
            mood_after=after,
            showed=rng.choice(["moist_eyes", "tears", "sobbing"]),
            emotions=rng.sample(["sadness", "grief", "stress", "relief", "empathy"], 2),
            company=who,
            reaction="" if who == "alone" else rng.choice(["comforting", "neutral"]),
            felt="better" if after > before else "same",
            note="Demo entry: a film scene that reminded me of my grandmother.",
        )
    Episode.objects.create(
        client=client,
        source="demo",
        kind="could_not_cry",
        started_at=now - timedelta(days=2),
        mood_before=3,
        mood_after=3,
    )
    checkin = CheckIn.objects.create(client=client, note="Demo: before a hard phone call.")
    CheckInRegion.objects.create(checkin=checkin, region="throat", sensation="lump", intensity=6)
    CheckInRegion.objects.create(checkin=checkin, region="chest", sensation="tight", intensity=4)
    Reminder.objects.create(client=client, label="Evening check-in (demo)", time_of_day=time(20))
