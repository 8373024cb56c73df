"""The exposure-trial state machine: worked examples of every transition."""

from __future__ import annotations

import json

import pytest

from lacrima.care.desensitization import (
    Hierarchy,
    Item,
    Outcome,
    Phase,
    Program,
    ProgramError,
    ProgramState,
    Rules,
    SceneKind,
    StepError,
    fear_of_crying_template,
)

RULES = Rules(pass_threshold_suds=10, stop_threshold_suds=30, consecutive_passes=3)


def _program(rules: Rules = RULES) -> Program:
    h = Hierarchy((Item("a", "alone", 10), Item("b", "photo", 20), Item("c", "room", 30)))
    return Program(h, rules)


def _trial(p: Program, peak: int, end: int | None = None, expectancy: int = 50):
    p = p.begin_scene(expectancy_pct=expectancy)
    return p.record_trial(peak_suds=peak, end_suds=peak if end is None else end, duration_s=20)


def _pass_current(p: Program) -> Program:
    for _ in range(p.rules.consecutive_passes):
        p, _unused = _trial(p, 5)
    return p


def test_start_relaxes_first_on_the_first_item() -> None:
    p = _program().start_session()
    assert p.state.phase is Phase.RELAXING
    assert p.scene_item is not None and p.scene_item.id == "a"
    assert p.state.scene_kind is SceneKind.EXPOSURE
    assert p.state.session_no == 1
    assert p.invariant_violations() == []


def test_three_calm_presentations_pass_an_item_and_open_the_next() -> None:
    p = _program().start_session()
    outcomes = []
    for _ in range(3):
        p, trial = _trial(p, peak=8, end=2, expectancy=30)
        outcomes.append(trial.outcome)
    assert outcomes == [Outcome.CALM, Outcome.CALM, Outcome.PASSED]
    assert p.state.passed == {"a"}
    assert p.current_item is not None and p.current_item.id == "b"
    assert p.state.phase is Phase.RELAXING and p.state.scene_item == "b"


def test_trial_logs_peak_end_expectancy_and_duration() -> None:
    p = _program().start_session().begin_scene(expectancy_pct=70)
    _p, trial = p.record_trial(peak_suds=25, end_suds=12, duration_s=18.5)
    assert (trial.peak_suds, trial.end_suds, trial.expectancy_pct) == (25, 12, 70)
    assert trial.duration_s == 18.5
    assert trial.item_id == "a" and trial.item_suds == 10 and trial.session_no == 1
    assert trial.outcome is Outcome.NOT_YET
    assert json.loads(json.dumps(trial.to_dict()))["outcome"] == "not_yet"


def test_a_non_calm_presentation_breaks_the_run() -> None:
    p = _program().start_session()
    p, _t = _trial(p, 5)
    p, _t = _trial(p, 5)
    p, t = _trial(p, 20)
    assert t.outcome is Outcome.NOT_YET and p.state.calm_run == 0
    p, t = _trial(p, 5)
    assert t.outcome is Outcome.CALM and p.state.calm_run == 1
    assert p.state.passed == frozenset()


def test_above_the_stop_threshold_is_stopped_and_counted() -> None:
    p = _program().start_session()
    p, t = _trial(p, 31, 10)
    assert t.outcome is Outcome.STOPPED
    assert p.state.phase is Phase.RELAXING
    assert p.state.stops == {"a": 1}


def test_repeated_stops_suggest_an_in_between_step() -> None:
    p = _program().start_session()
    for _ in range(RULES.step_hint_after):
        assert not p.suggests_intermediate_step()
        p, _t = _trial(p, 90)
    assert p.suggests_intermediate_step()
    # adding a step below the failing one clears the hint for it
    p = p.with_hierarchy(p.hierarchy.add(Item("a2", "half way", 5), position=0))
    assert not p.suggests_intermediate_step("a")
    assert p.current_item is not None and p.current_item.id == "a2"


def test_criterion_end_judges_the_end_rating() -> None:
    p = _program(Rules(pass_threshold_suds=10, stop_threshold_suds=30, criterion="end"))
    p = p.start_session()
    p, t = _trial(p, peak=25, end=5)
    assert t.outcome is Outcome.CALM
    p2 = _program().start_session()
    p2, t2 = _trial(p2, peak=25, end=5)
    assert t2.outcome is Outcome.NOT_YET


def test_the_run_resets_between_sessions() -> None:
    p = _program().start_session()
    p, _t = _trial(p, 5)
    p, _t = _trial(p, 5)
    p = p.end_session().start_session()
    assert p.state.calm_run == 0
    p, t = _trial(p, 5)
    assert t.outcome is Outcome.CALM


def test_a_session_starts_with_a_review_of_the_last_item_passed() -> None:
    p = _pass_current(_program().start_session()).end_session().start_session()
    assert p.state.scene_kind is SceneKind.REVIEW and p.state.scene_item == "a"
    p, t = _trial(p, 5)
    assert t.outcome is Outcome.REVIEW_CALM and t.kind is SceneKind.REVIEW
    assert p.state.scene_item == "b" and p.state.scene_kind is SceneKind.EXPOSURE


def test_a_review_that_is_not_calm_reopens_that_item() -> None:
    p = _pass_current(_program().start_session()).end_session().start_session()
    p, t = _trial(p, 20)
    assert t.outcome is Outcome.REOPENED
    assert p.state.passed == frozenset()
    assert p.state.scene_item == "a" and p.state.scene_kind is SceneKind.EXPOSURE


def test_review_can_be_switched_off() -> None:
    p = _pass_current(_program().start_session()).end_session()
    p = p.with_rules(Rules(review_last_passed=False)).start_session()
    assert p.state.scene_item == "b" and p.state.scene_kind is SceneKind.EXPOSURE


def test_passing_the_last_item_ends_the_session() -> None:
    p = _program(Rules(consecutive_passes=1, review_last_passed=False)).start_session()
    for _ in range(3):
        p, t = _trial(p, 0)
        assert t.outcome is Outcome.PASSED
    assert p.is_complete and p.state.phase is Phase.IDLE
    with pytest.raises(StepError, match="every step is done"):
        p.start_session()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"peak_suds": 140, "end_suds": 0, "duration_s": 20}, "peak_suds must be from 0 to 100"),
        ({"peak_suds": 10, "end_suds": -1, "duration_s": 20}, "end_suds"),
        ({"peak_suds": 10, "end_suds": 20, "duration_s": 20}, "cannot be higher"),
        ({"peak_suds": 10, "end_suds": 0, "duration_s": -3}, "duration_s must be from 0"),
        ({"peak_suds": 10, "end_suds": 0, "duration_s": float("inf")}, "finite"),
    ],
)
def test_bad_ratings_are_refused_and_change_nothing(kwargs: dict, message: str) -> None:
    p = _program().start_session().begin_scene(expectancy_pct=50)
    with pytest.raises(ProgramError, match=message):
        p.record_trial(**kwargs)
    assert p.state.phase is Phase.IMAGINING


def test_steps_out_of_order_are_refused() -> None:
    p = _program()
    with pytest.raises(StepError):
        p.begin_scene(expectancy_pct=10)
    with pytest.raises(StepError):
        p.record_trial(peak_suds=1, end_suds=1, duration_s=1)
    with pytest.raises(StepError, match="already running"):
        p.start_session().start_session()
    with pytest.raises(StepError, match="at least one step"):
        Program().start_session()
    with pytest.raises(ProgramError, match="expectancy_pct"):
        p.start_session().begin_scene(expectancy_pct=101)


def test_not_today_always_works() -> None:
    p = _program()
    assert p.end_session() == p
    imagining = p.start_session().begin_scene(expectancy_pct=40)
    stopped = imagining.end_session()
    assert stopped.state.phase is Phase.IDLE and stopped.state.scene_item is None
    assert stopped.invariant_violations() == []


def test_rerating_or_moving_keeps_progress_new_text_resets_it() -> None:
    p = _pass_current(_program().start_session())
    assert p.state.passed == {"a"}
    assert p.with_hierarchy(p.hierarchy.edit("a", suds=15)).state.passed == {"a"}
    assert p.with_hierarchy(p.hierarchy.reorder(["b", "a", "c"])).state.passed == {"a"}
    edited = p.with_hierarchy(p.hierarchy.edit("a", text="alone, at night"))
    assert edited.state.passed == frozenset()
    assert edited.state.scene_item == "a" and edited.invariant_violations() == []


def test_editing_the_scene_being_imagined_sends_the_client_back_to_relax() -> None:
    p = _program().start_session().begin_scene(expectancy_pct=40)
    p = p.with_hierarchy(p.hierarchy.edit("a", text="alone, at night"))
    assert p.state.phase is Phase.RELAXING and p.state.expectancy_pct is None
    p = _program().start_session().begin_scene(expectancy_pct=40)
    p = p.with_hierarchy(p.hierarchy.remove("a"))
    assert p.state.phase is Phase.RELAXING and p.state.scene_item == "b"


def test_revoking_the_hierarchy_ends_the_session() -> None:
    p = _program().start_session().begin_scene(expectancy_pct=40)
    p = p.with_hierarchy(Hierarchy())
    assert p.state.phase is Phase.IDLE
    assert p.state.passed == frozenset() and not p.is_complete
    assert p.invariant_violations() == []


def test_a_rule_change_restarts_the_run_and_never_passes() -> None:
    p = _program().start_session()
    p, _t = _trial(p, 5)
    p, _t = _trial(p, 5)
    p = p.with_rules(Rules(consecutive_passes=2))
    assert p.state.calm_run == 0 and p.state.passed == frozenset()
    p, t = _trial(p, 5)
    assert t.outcome is Outcome.CALM


def test_state_round_trips_through_json() -> None:
    p = _pass_current(_program().start_session())
    p, _t = _trial(p, 5)
    stored = json.loads(json.dumps(p.state.to_dict()))
    assert Program.load(p.hierarchy, p.rules, stored) == p


def test_load_repairs_a_state_the_hierarchy_does_not_support() -> None:
    stored = {
        "phase": "imagining",
        "passed": ["a", "gone"],
        "scene_item": "gone",
        "scene_kind": "exposure",
        "calm_run": 2,
        "calm_item": "gone",
        "stops": {"gone": 4},
        "expectancy_pct": 20,
    }
    p = Program.load(_program().hierarchy, RULES, stored)
    assert p.invariant_violations() == []
    assert p.state.passed == {"a"} and p.state.scene_item == "b"
    assert p.state.phase is Phase.RELAXING


@pytest.mark.parametrize(
    "stored",
    [{"phase": "dancing"}, {"calm_run": -1}, {"passed": "a"}, {"expectancy_pct": 500}],
)
def test_load_refuses_malformed_state(stored: dict) -> None:
    with pytest.raises(ProgramError, match="stored program state"):
        ProgramState.from_dict(stored)


def test_the_template_can_be_worked_through() -> None:
    p = Program(fear_of_crying_template(), Rules(consecutive_passes=1, review_last_passed=False))
    p = p.start_session()
    while p.state.phase is not Phase.IDLE:
        p, _t = _trial(p, 0)
    assert p.is_complete and p.passed_count == 12
