"""In-app reminders: the "due now" list."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from lacrima.care.reminders import ReminderSpec, due_reminders, parse_weekdays
from lacrima.errors import CareError

WED_21 = datetime(2024, 5, 1, 21, 0)  # a Wednesday
EVERY_DAY = frozenset(range(7))


def test_due_after_its_time_on_its_days() -> None:
    evening = ReminderSpec(1, "evening", time(20, 0), EVERY_DAY)
    morning = ReminderSpec(2, "morning", time(8, 0), EVERY_DAY)
    late = ReminderSpec(3, "late", time(22, 0), EVERY_DAY)
    assert [r.key for r in due_reminders([evening, late, morning], WED_21)] == [2, 1]


def test_not_due_on_other_days_or_when_paused() -> None:
    weekend = ReminderSpec(1, "weekend", time(9, 0), parse_weekdays(["sat", "sun"]))
    paused = ReminderSpec(2, "paused", time(9, 0), EVERY_DAY, active=False)
    assert due_reminders([weekend, paused], WED_21) == []


def test_closed_today_is_not_due_until_tomorrow() -> None:
    r = ReminderSpec(1, "evening", time(20, 0), EVERY_DAY, last_closed_at=WED_21)
    assert due_reminders([r], WED_21.replace(minute=30)) == []
    assert due_reminders([r], datetime(2024, 5, 2, 20, 5)) == [r]
    # Closed before today's time: due again.
    early = ReminderSpec(
        1, "evening", time(20, 0), EVERY_DAY, last_closed_at=datetime(2024, 5, 1, 19, 0)
    )
    assert due_reminders([early], WED_21) == [early]


def test_parse_weekdays() -> None:
    assert parse_weekdays(["Monday", "thu"]) == frozenset({0, 3})
    with pytest.raises(CareError, match="unknown weekday"):
        parse_weekdays(["someday"])
