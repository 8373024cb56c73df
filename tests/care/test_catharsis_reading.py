"""The plain-language reading never overstates, and says when samples are small."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lacrima.care.catharsis import summarize
from lacrima.care.diary import EpisodeFacts
from lacrima.care.reading import describe

START = datetime(2024, 3, 1, 20, tzinfo=UTC)
FORBIDDEN = (
    "will help",
    "helps you",
    "is good for you",
    "proves",
    "toxin",
    "diagnos",
    "depress",
    "caused",
    "because you cried",
)


def text_of(episodes: list[EpisodeFacts]) -> str:
    return " ".join(describe(summarize(episodes)))


def check_tone(text: str) -> None:
    lowered = text.lower()
    for phrase in FORBIDDEN:
        assert phrase not in lowered, phrase


def test_empty_diary() -> None:
    text = text_of([])
    assert text.startswith("Your diary is empty")
    check_tone(text)


def test_one_cry_says_first_impression() -> None:
    text = text_of([EpisodeFacts(START, mood_before=2, mood_after=5)])
    assert "Of the 1 cry where you noted how you felt afterwards, 1 was followed" in text
    assert "first impression" in text
    assert "anywhere from 21% to 100%" in text
    check_tone(text)


def test_two_cries_without_outcome() -> None:
    text = text_of([EpisodeFacts(START), EpisodeFacts(START + timedelta(days=1))])
    assert "nothing to compare yet" in text
    check_tone(text)


def test_could_not_cry_is_not_a_failure() -> None:
    text = text_of([EpisodeFacts(START, kind="could_not_cry")])
    assert "not a failure" in text and "no need to force" in text
    check_tone(text)


@pytest.mark.parametrize(
    ("k", "phrase"),
    [(4, "in line with a published diary study"), (11, "more often than"), (0, "less often")],
)
def test_larger_diary_is_compared_with_the_reference(k: int, phrase: str) -> None:
    episodes = [
        EpisodeFacts(START + timedelta(days=i), mood_before=4, mood_after=6 if i < k else 4)
        for i in range(12)
    ]
    text = text_of(episodes)
    assert phrase in text
    assert "first impression" not in text
    assert "J Res Pers" in text
    check_tone(text)


def test_intensity_link_is_association_not_cause() -> None:
    episodes = [
        EpisodeFacts(
            START + timedelta(days=i), intensity=i % 11, mood_before=3, mood_after=3 + (i % 11) // 2
        )
        for i in range(12)
    ]
    text = text_of(episodes)
    assert "more intense cries have tended to go with a bigger rise" in text
    assert "not that one causes the other" in text
    check_tone(text)


def test_no_clear_link_when_interval_spans_zero() -> None:
    changes = [1, -1, 0, 2, -2, 1]
    episodes = [
        EpisodeFacts(START + timedelta(days=i), intensity=i + 1, mood_before=5, mood_after=5 + c)
        for i, c in enumerate(changes)
    ]
    text = text_of(episodes)
    assert "no clear link" in text
    assert "may well change" in text  # fewer than 10 entries
    check_tone(text)


def test_small_groups_are_flagged() -> None:
    text = text_of([EpisodeFacts(START, mood_before=2, mood_after=5, company="alone")])
    assert "too small to compare" in text
