"""Properties of the exposure-trial state machine, checked with hypothesis.

A rule-based state machine drives a :class:`Program` through random sessions, ratings,
"Not today", hierarchy edits (add, remove, re-word, re-rate, reorder, revoke, replace)
and rule changes, and checks after every step that

* the state never contradicts the hierarchy (``invariant_violations()`` is empty) and
  survives a JSON round trip;
* an item becomes passed only through a ``passed`` outcome, and only after
  ``consecutive_passes`` calm presentations of that item in a row, in one session, under
  the rules in force (a shadow count kept here, independently of the machine);
* when that shadow count reaches the rule, the item does pass (the rule is not stricter
  than stated);
* a refused step (wrong phase, bad rating) raises and leaves the program unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from lacrima.care.desensitization import (
    Hierarchy,
    Item,
    Outcome,
    Phase,
    Program,
    ProgramError,
    Rules,
    SceneKind,
    fear_of_crying_template,
)

SUDS = st.integers(0, 100)
LOW_SUDS = st.one_of(st.integers(0, 8), st.integers(0, 12), SUDS)  # often calm: items pass


@st.composite
def rules_strategy(draw: st.DrawFn) -> Rules:
    low, high = sorted(draw(st.lists(SUDS, min_size=2, max_size=2)))
    return Rules(
        pass_threshold_suds=low,
        stop_threshold_suds=high,
        consecutive_passes=draw(st.integers(1, 4)),
        step_hint_after=draw(st.integers(1, 4)),
        review_last_passed=draw(st.booleans()),
        criterion=draw(st.sampled_from(["peak", "end"])),
    )


@dataclass
class Run:
    """The shadow count of calm presentations in a row of one item."""

    item_id: str
    text: str
    count: int


class ProgramMachine(RuleBasedStateMachine):
    """Random walks through the program."""

    def __init__(self) -> None:
        super().__init__()
        self.program = Program(fear_of_crying_template(), Rules(consecutive_passes=2))
        self.run: Run | None = None
        self.serial = 0

    # ---------------------------------------------------------------- helpers
    def _new_id(self) -> str:
        self.serial += 1
        return f"n{self.serial}"

    def _apply_edit(self, hierarchy: Hierarchy) -> None:
        before = self.program
        after = before.with_hierarchy(hierarchy)
        assert after.state.passed <= before.state.passed, "an edit passed an item"
        current = after.current_item
        if self.run is not None and (
            current is None
            or current.id != self.run.item_id
            or current.text != self.run.text
            or after.state.phase is Phase.IDLE
        ):
            self.run = None
        self.program = after

    def _refused(self, call, *args, **kwargs) -> None:
        before = self.program
        try:
            call(*args, **kwargs)
        except ProgramError:
            assert self.program == before
        else:  # pragma: no cover - a refusal was expected
            raise AssertionError(f"{call.__name__} should have been refused")

    # ------------------------------------------------------------ transitions
    def _can_start(self) -> bool:
        p = self.program
        return p.state.phase is Phase.IDLE and len(p.hierarchy) > 0 and not p.is_complete

    @precondition(lambda self: self._can_start())
    @rule()
    def start(self) -> None:
        p = self.program
        self.program = p.start_session()
        self.run = None
        if p.rules.review_last_passed and p.review_item is not None:
            assert self.program.state.scene_kind is SceneKind.REVIEW
        else:
            assert self.program.state.scene_item == p.current_item.id  # type: ignore[union-attr]

    @precondition(lambda self: self.program.state.phase is Phase.RELAXING)
    @rule(expectancy=st.integers(0, 100))
    def begin(self, expectancy: int) -> None:
        self.program = self.program.begin_scene(expectancy)

    @precondition(lambda self: self.program.state.phase is Phase.IMAGINING)
    @rule(peak=LOW_SUDS, drop=SUDS, seconds=st.floats(0, 3600))
    def rate(self, peak: int, drop: int, seconds: float) -> None:
        p = self.program
        end = max(0, peak - drop)
        rules = p.rules
        self.program, trial = p.record_trial(peak, end, seconds)
        event(f"outcome: {trial.outcome.value}")
        after = self.program
        score = peak if rules.criterion == "peak" else end
        calm = peak <= rules.stop_threshold_suds and score <= rules.pass_threshold_suds
        newly_passed = after.state.passed - p.state.passed
        if trial.kind is SceneKind.REVIEW:
            assert not newly_passed
            assert trial.outcome is (Outcome.REVIEW_CALM if calm else Outcome.REOPENED)
            self.run = None
            return
        if not calm:
            assert not newly_passed
            stopped = peak > rules.stop_threshold_suds
            assert trial.outcome is (Outcome.STOPPED if stopped else Outcome.NOT_YET)
            self.run = None
            return
        item = p.hierarchy.get(trial.item_id)
        if self.run is not None and self.run.item_id == item.id:
            self.run.count += 1
        else:
            self.run = Run(item.id, item.text, 1)
        if trial.outcome is Outcome.PASSED:
            assert newly_passed == {item.id}
            assert self.run.count >= rules.consecutive_passes
            self.run = None
        else:
            assert trial.outcome is Outcome.CALM and not newly_passed
            assert self.run.count < rules.consecutive_passes

    @precondition(lambda self: self.program.state.phase is not Phase.IDLE)
    @rule(data=st.data())
    def presentations(self, data: st.DataObject) -> None:
        """Several relax-imagine-rate cycles in a row, as in a real session."""
        for _ in range(data.draw(st.integers(1, 8))):
            if self.program.state.phase is Phase.IDLE:
                return
            if self.program.state.phase is Phase.RELAXING:
                self.begin(data.draw(st.integers(0, 100)))
            self.rate(data.draw(LOW_SUDS), data.draw(SUDS), data.draw(st.floats(0, 60)))

    @rule(which=st.sampled_from(["start", "begin", "rate", "peak", "end_above_peak", "time"]))
    def refused_step(self, which: str) -> None:
        p = self.program
        phase = p.state.phase
        if which == "start" and not self._can_start():
            self._refused(p.start_session)
        elif which == "begin" and phase is not Phase.RELAXING:
            self._refused(p.begin_scene, 10)
        elif which == "rate" and phase is not Phase.IMAGINING:
            self._refused(p.record_trial, 1, 1, 1.0)
        elif which == "peak":
            self._refused(p.record_trial, 140, 0, 10.0)
        elif which == "end_above_peak":
            self._refused(p.record_trial, 10, 20, 10.0)
        elif which == "time":
            self._refused(p.record_trial, 10, 0, -1.0)

    @rule()
    def not_today(self) -> None:
        self.program = self.program.end_session()
        self.run = None
        assert self.program.state.phase is Phase.IDLE

    @rule(data=st.data())
    def edit_hierarchy(self, data: st.DataObject) -> None:
        h = self.program.hierarchy
        kind = data.draw(
            st.sampled_from(["add", "remove", "rerate", "reword", "reorder", "duplicate"])
        )
        if kind == "add" and len(h) < 30:
            position = data.draw(st.integers(0, len(h)))
            item = Item(self._new_id(), "a new scene", data.draw(SUDS))
            self._apply_edit(h.add(item, position))
        elif not len(h):
            return
        elif kind == "remove":
            self._apply_edit(h.remove(data.draw(st.sampled_from(h.ids))))
        elif kind == "rerate":
            self._apply_edit(h.edit(data.draw(st.sampled_from(h.ids)), suds=data.draw(SUDS)))
        elif kind == "reword":
            self._apply_edit(h.edit(data.draw(st.sampled_from(h.ids)), text=self._new_id()))
        elif kind == "reorder":
            self._apply_edit(h.reorder(data.draw(st.permutations(h.ids))))
        elif kind == "duplicate" and len(h) >= 2:
            order = list(data.draw(st.permutations(h.ids)))
            order[0] = order[1]
            self._refused(h.reorder, order)

    @rule(template=st.booleans())
    def revoke_or_replace(self, template: bool) -> None:
        if template:
            self._apply_edit(fear_of_crying_template(prefix=self._new_id() + "-"))
        else:
            self._apply_edit(Hierarchy())
            assert self.program.state.phase is Phase.IDLE

    @rule(rules=rules_strategy())
    def change_rules(self, rules: Rules) -> None:
        before = self.program
        self.program = before.with_rules(rules)
        assert self.program.state.passed == before.state.passed
        assert self.program.state.calm_run == 0
        self.run = None

    # ------------------------------------------------------------- invariants
    @invariant()
    def state_is_possible(self) -> None:
        assert self.program.invariant_violations() == []

    @invariant()
    def machine_run_matches_the_shadow(self) -> None:
        run = self.program.state.calm_run
        assert run == (self.run.count if self.run is not None else 0)

    @invariant()
    def state_survives_storage(self) -> None:
        p = self.program
        stored = json.loads(json.dumps(p.state.to_dict()))
        assert Program.load(p.hierarchy, p.rules, stored) == p


TestProgramMachine = ProgramMachine.TestCase
TestProgramMachine.settings = settings(
    max_examples=200,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
