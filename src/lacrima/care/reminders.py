"""Reminders a person sets for themselves, shown inside the app as a "due now" list.

A reminder is due on one of its weekdays once its time of day has passed, until the
person marks it done or says "not now" (both simply close it for that day: no counts,
no streaks, nothing that piles up).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from lacrima.errors import CareError

__all__ = ["WEEKDAYS", "ReminderSpec", "due_reminders", "parse_weekdays"]

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ReminderSpec:
    """A reminder as the logic sees it.

    ``weekdays`` holds 0 (Monday) to 6 (Sunday); ``last_closed_at`` is when it was last
    marked done or "not now", in the same time zone as ``now`` in :func:`due_reminders`.
    """

    key: int
    label: str
    time_of_day: time
    weekdays: frozenset[int]
    active: bool = True
    last_closed_at: datetime | None = None


def parse_weekdays(names: Iterable[str]) -> frozenset[int]:
    """Turn ``["mon", "thu"]`` into ``{0, 3}``; raise :class:`CareError` on unknown names."""
    days = set()
    for name in names:
        key = name.strip().lower()[:3]
        if key not in WEEKDAYS:
            raise CareError(f"unknown weekday {name!r}; use {', '.join(WEEKDAYS)}")
        days.add(WEEKDAYS.index(key))
    return frozenset(days)


def due_reminders(reminders: Sequence[ReminderSpec], now: datetime) -> list[ReminderSpec]:
    """Return the reminders due at ``now`` (local time), earliest time of day first.

    Examples
    --------
    >>> r = ReminderSpec(1, "evening check-in", time(20, 0), frozenset(range(7)))
    >>> [x.label for x in due_reminders([r], datetime(2024, 5, 1, 21, 0))]
    ['evening check-in']
    >>> due_reminders([r], datetime(2024, 5, 1, 19, 0))
    []
    """
    due = []
    for r in reminders:
        if not r.active or now.weekday() not in r.weekdays or now.time() < r.time_of_day:
            continue
        occurrence = now.replace(
            hour=r.time_of_day.hour, minute=r.time_of_day.minute, second=0, microsecond=0
        )
        if r.last_closed_at is not None and r.last_closed_at >= occurrence:
            continue
        due.append(r)
    return sorted(due, key=lambda r: r.time_of_day)
