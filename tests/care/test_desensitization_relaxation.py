"""Relaxation scripts (abbreviated PMR, paced breathing) and progress summaries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lacrima.care.desensitization import (
    Hierarchy,
    Item,
    ItemStatus,
    Program,
    ProgramError,
    RelaxationRating,
    Rules,
    StepKind,
    build_breath_pattern,
    build_pmr_script,
    check_relaxation_rating,
    summarize_progress,
)


@pytest.mark.parametrize("groups", [7, 4])
def test_pmr_script_tenses_then_releases_each_group(groups: int) -> None:
    steps = build_pmr_script(groups=groups, tense_s=6, release_s=25)
    kinds = [step.kind for step in steps]
    assert kinds[0] is StepKind.INTRO and kinds[-1] is StepKind.CLOSE
    body = kinds[1:-1]
    assert body == [StepKind.TENSE, StepKind.RELEASE] * groups
    assert all(s.seconds == 6 for s in steps if s.kind is StepKind.TENSE)
    assert all(s.seconds == 25 for s in steps if s.kind is StepKind.RELEASE)
    assert "never to the point of pain" in steps[0].text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"groups": 16}, "groups must be one of"),
        ({"tense_s": -2}, "tense_s must be from 3 to 15 seconds; got -2"),
        ({"release_s": 300}, "release_s"),
    ],
)
def test_pmr_script_refuses_bad_settings(kwargs: dict, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        build_pmr_script(**kwargs)


def test_default_breathing_is_six_a_minute_with_a_longer_out_breath() -> None:
    pattern = build_breath_pattern()
    assert pattern.breaths_per_min == 6
    assert pattern.cycle_s == pytest.approx(10.0)
    assert pattern.exhale_s > pattern.inhale_s


@given(
    rate=st.floats(3, 12),
    fraction=st.floats(0.3, 0.6),
    minutes=st.floats(1, 20),
)
def test_breath_cycle_matches_the_rate(rate: float, fraction: float, minutes: float) -> None:
    pattern = build_breath_pattern(rate, fraction, minutes)
    assert pattern.cycle_s == pytest.approx(60.0 / rate, abs=0.02)  # rounded to 0.01 s
    assert pattern.inhale_s > 0 and pattern.exhale_s > 0
    assert pattern.cycles >= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"breaths_per_min": 0}, "breaths_per_min must be from 3 to 12; got 0"),
        ({"breaths_per_min": float("nan")}, "breaths_per_min"),
        ({"inhale_fraction": 0.9}, "inhale_fraction"),
        ({"minutes": -1}, "minutes must be from 1 to 20; got -1"),
    ],
)
def test_breathing_refuses_bad_settings(kwargs: dict, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        build_breath_pattern(**kwargs)


def test_relaxation_rating_is_0_to_10() -> None:
    assert check_relaxation_rating("before", 7) == 7
    with pytest.raises(ProgramError, match="before must be from 0 to 10; got 11"):
        check_relaxation_rating("before", 11)


def test_progress_groups_trials_by_item_in_order() -> None:
    h = Hierarchy((Item("a", "alone", 10), Item("b", "photo", 20), Item("c", "room", 30)))
    p = Program(h, Rules(consecutive_passes=2)).start_session()
    trials = []
    for peak in (20, 5, 5, 15):
        p = p.begin_scene(expectancy_pct=40)
        p, trial = p.record_trial(peak_suds=peak, end_suds=peak // 2, duration_s=20)
        trials.append(trial)
    summary = summarize_progress(p, trials, [RelaxationRating("breathing", 3, 7)])
    assert [i.status for i in summary.items] == [
        ItemStatus.PASSED,
        ItemStatus.CURRENT,
        ItemStatus.AHEAD,
    ]
    assert summary.items[0].peak_suds == (20, 5, 5)
    assert summary.items[0].end_suds == (10, 2, 2)
    assert summary.items[1].presentations == 1
    assert (summary.passed_count, summary.total_count) == (1, 3)
    assert summary.has_trials and summary.relaxation[0].after == 7


def test_progress_leaves_out_trials_of_removed_items() -> None:
    h = Hierarchy((Item("a", "alone", 10), Item("b", "photo", 20)))
    p = Program(h).start_session().begin_scene(expectancy_pct=10)
    p, trial = p.record_trial(peak_suds=5, end_suds=5, duration_s=10)
    p = p.with_hierarchy(p.hierarchy.remove("a"))
    summary = summarize_progress(p, [trial])
    assert [i.item_id for i in summary.items] == ["b"]
    assert not summary.has_trials
