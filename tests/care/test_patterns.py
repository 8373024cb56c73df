"""Pattern prompts: worded for a clinician conversation, never a diagnosis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lacrima.care.diary import EpisodeFacts
from lacrima.care.patterns import MIN_CRIES_FREQUENT, MoodPoint, find_patterns

NOW = datetime(2024, 6, 15, 21, tzinfo=UTC)
DIAGNOSTIC_WORDS = ("pseudobulbar", "depression", "disorder", "diagnos", "syndrome", "pba")


def sad_fortnight(n: int = MIN_CRIES_FREQUENT, **overrides: object) -> list[EpisodeFacts]:
    values = {"mood_before": 2, "mood_after": 2, "felt": "same"} | overrides
    return [
        EpisodeFacts(NOW - timedelta(days=13 - 2 * i), **values)  # type: ignore[arg-type]
        for i in range(n)
    ]


def keys(episodes: list[EpisodeFacts], moods: list[MoodPoint] | None = None) -> list[str]:
    return [p.key for p in find_patterns(episodes, moods or [], NOW)]


def test_nothing_for_an_empty_diary() -> None:
    assert keys([]) == []


def test_frequent_crying_without_relief_and_low_mood() -> None:
    prompts = find_patterns(sad_fortnight(), [], NOW)
    assert [p.key for p in prompts] == ["frequent_no_relief_low_mood"]
    message = prompts[0].message
    assert "7 cries" in message and "therapist or your doctor" in message
    assert "not a diagnosis" in message
    assert prompts[0].learn == "when-to-get-help"


def test_not_frequent_enough() -> None:
    assert keys(sad_fortnight(MIN_CRIES_FREQUENT - 1)) == []


def test_one_relieving_cry_means_no_prompt() -> None:
    episodes = sad_fortnight()
    episodes[3] = EpisodeFacts(episodes[3].started_at, mood_before=2, mood_after=5)
    assert keys(episodes) == []


def test_mood_not_low() -> None:
    assert keys(sad_fortnight(mood_before=6, mood_after=6)) == []


def test_relief_unknown_for_most_cries() -> None:
    # Minimal entries only: we know nothing about relief, so we say nothing.
    assert keys([EpisodeFacts(NOW - timedelta(days=i)) for i in range(10)]) == []


def test_low_mood_must_span_both_weeks() -> None:
    # All cries within the last 5 days: not "over two weeks".
    episodes = [
        EpisodeFacts(NOW - timedelta(hours=12 * i), mood_before=1, mood_after=1, felt="same")
        for i in range(8)
    ]
    assert keys(episodes) == []
    # A low mood entry in the first week completes the picture.
    assert keys(episodes, [MoodPoint(NOW - timedelta(days=12), 2)]) == [
        "frequent_no_relief_low_mood"
    ]


def test_old_cries_do_not_count() -> None:
    old = [
        EpisodeFacts(NOW - timedelta(days=20 + i), mood_before=1, mood_after=1, felt="same")
        for i in range(10)
    ]
    assert keys(old) == []


def test_did_not_match_or_could_not_stop_repeated() -> None:
    for flag in ("did_not_match", "could_not_stop"):
        twice = [EpisodeFacts(NOW - timedelta(days=d), **{flag: True}) for d in (2, 9)]
        prompts = find_patterns(twice, [], NOW)
        assert [p.key for p in prompts] == ["mismatch_or_uncontrollable"]
        assert "worth mentioning to a doctor" in prompts[0].message
    old = EpisodeFacts(NOW - timedelta(days=45), could_not_stop=True)
    assert keys([old, EpisodeFacts(NOW - timedelta(days=2), could_not_stop=True)]) == []


def test_a_single_could_not_stop_entry_does_not_prompt_a_doctor() -> None:
    for flag in ("did_not_match", "could_not_stop"):
        once = [EpisodeFacts(NOW - timedelta(days=2), **{flag: True}), EpisodeFacts(NOW)]
        assert keys(once) == []


def test_no_prompt_names_a_diagnosis() -> None:
    marked = [EpisodeFacts(NOW, did_not_match=True), EpisodeFacts(NOW, could_not_stop=True)]
    prompts = find_patterns([*sad_fortnight(), *marked], [], NOW)
    assert len(prompts) == 2
    for p in prompts:
        lowered = p.message.lower().replace("this is not a diagnosis", "")
        assert not any(word in lowered for word in DIAGNOSTIC_WORDS), p.message
