"""The exposure-trial state machine of systematic desensitization.

A session alternates two phases: *relaxing*, then *imagining* one scene of the hierarchy
for a set time, after which the client rates peak and end SUDS. The scene target is the
first item not yet passed; a session may begin with one *review* presentation of the
last item passed. An item is passed after ``consecutive_passes`` calm presentations in a
row; a presentation whose peak is above the stop threshold is stopped and the client
relaxes again (Wolpe, 1958). Every trial is returned as a :class:`Trial` to be logged,
whatever its outcome (Craske et al., 2014).

Everything is immutable: each step returns a new :class:`Program`. A step that cannot
happen now raises :class:`~.errors.StepError` and changes nothing. Edits of the hierarchy
or the rules go through :meth:`Program.with_hierarchy` / :meth:`Program.with_rules`,
which reconcile the state so that :meth:`Program.invariant_violations` stays empty.

References
----------
Wolpe, J. (1958). *Psychotherapy by Reciprocal Inhibition*. Stanford University Press.
Craske, M. G., et al. (2014). Maximizing exposure therapy: an inhibitory learning
approach. *Behav Res Ther*, 58, 10-23.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ProgramError, StepError, check_int, check_seconds
from .hierarchy import Hierarchy, Item
from .rules import Rules
from .state import Outcome, Phase, ProgramState, SceneKind, Trial

MAX_SCENE_S = 3600.0


@dataclass(frozen=True)
class Program:
    """A hierarchy, its rules and where the client stands.

    Examples
    --------
    >>> from lacrima.care.desensitization import Hierarchy, Item, Program
    >>> p = Program(Hierarchy((Item("a", "Alone, eyes wet", 10),))).start_session()
    >>> p = p.begin_scene(expectancy_pct=40)
    >>> p, trial = p.record_trial(peak_suds=5, end_suds=0, duration_s=20)
    >>> trial.outcome.value, p.state.calm_run
    ('calm', 1)
    """

    hierarchy: Hierarchy = field(default_factory=Hierarchy)
    rules: Rules = field(default_factory=Rules)
    state: ProgramState = field(default_factory=ProgramState)

    # ----------------------------------------------------------------- queries
    @property
    def current_item(self) -> Item | None:
        """The first item not yet passed (the one being worked on), or None if all are."""
        for item in self.hierarchy.items:
            if item.id not in self.state.passed:
                return item
        return None

    @property
    def review_item(self) -> Item | None:
        """The passed item just below the current one (a session may start with it)."""
        current = self.current_item
        index = len(self.hierarchy) if current is None else self.hierarchy.index_of(current.id)
        return self.hierarchy.items[index - 1] if index > 0 else None

    @property
    def scene_item(self) -> Item | None:
        """The item to imagine next (relaxing) or now (imagining); None outside a session."""
        if self.state.scene_item is None:
            return None
        return self.hierarchy.get(self.state.scene_item)

    @property
    def is_complete(self) -> bool:
        """True when the hierarchy has items and every one is passed."""
        return len(self.hierarchy) > 0 and self.current_item is None

    @property
    def passed_count(self) -> int:
        """How many items of the hierarchy are passed."""
        return sum(1 for item_id in self.hierarchy.ids if item_id in self.state.passed)

    def suggests_intermediate_step(self, item_id: str | None = None) -> bool:
        """True when ``item_id`` (default: the current item) was stopped often enough
        that an in-between step may help (``rules.step_hint_after``)."""
        if item_id is None:
            current = self.current_item
            if current is None:
                return False
            item_id = current.id
        return self.state.stops.get(item_id, 0) >= self.rules.step_hint_after

    # ------------------------------------------------------------- transitions
    def start_session(self) -> Program:
        """Begin a session: relax first, then the review item or the current item.

        Raises
        ------
        StepError
            If a session is already running, the hierarchy is empty, or every step is done.
        """
        if self.state.phase is not Phase.IDLE:
            raise StepError("a practice is already running; finish it or choose 'Not today'")
        if len(self.hierarchy) == 0:
            raise StepError("add at least one step to the hierarchy before practising")
        if self.is_complete:
            raise StepError("every step is done; add or edit a step to practise again")
        review = self.review_item if self.rules.review_last_passed else None
        target = review if review is not None else self.current_item
        assert target is not None
        state = replace(
            self.state,
            phase=Phase.RELAXING,
            session_no=self.state.session_no + 1,
            scene_item=target.id,
            scene_kind=SceneKind.REVIEW if review is not None else SceneKind.EXPOSURE,
            calm_run=0,
            calm_item=None,
            expectancy_pct=None,
        )
        return replace(self, state=state)

    def begin_scene(self, expectancy_pct: int) -> Program:
        """Start imagining the scene, after rating how likely the feared outcome feels.

        Parameters
        ----------
        expectancy_pct : int
            "How likely does it feel that what you fear will happen?", 0-100 %.

        Raises
        ------
        StepError
            If the client is not relaxing in a session.
        ProgramError
            If ``expectancy_pct`` is not a whole number 0-100.
        """
        if self.state.phase is not Phase.RELAXING:
            raise StepError("a scene can start only after relaxing, during a practice")
        check_int("expectancy_pct", expectancy_pct, 0, 100)
        state = replace(self.state, phase=Phase.IMAGINING, expectancy_pct=expectancy_pct)
        return replace(self, state=state)

    def record_trial(
        self, peak_suds: int, end_suds: int, duration_s: float
    ) -> tuple[Program, Trial]:
        """Rate the scene just imagined and apply the rules.

        Parameters
        ----------
        peak_suds : int
            The highest distress during the scene, 0-100.
        end_suds : int
            The distress at the end of the scene, 0-``peak_suds``.
        duration_s : float
            How long the scene lasted, 0-3600 s.

        Returns
        -------
        program : Program
            The new program: relaxing before the next scene, or idle when the last item
            was just passed.
        trial : Trial
            The presentation to log.

        Raises
        ------
        StepError
            If no scene is being imagined.
        ProgramError
            If a rating or the duration is out of range, or the end is above the peak.
        """
        state = self.state
        if state.phase is not Phase.IMAGINING:
            raise StepError("there is no scene to rate; start a scene first")
        check_int("peak_suds", peak_suds, 0, 100)
        check_int("end_suds", end_suds, 0, 100)
        if end_suds > peak_suds:
            raise ProgramError(
                f"end_suds ({end_suds}) cannot be higher than peak_suds ({peak_suds}): "
                "the peak is the highest rating during the scene"
            )
        seconds = check_seconds("duration_s", duration_s, 0, MAX_SCENE_S)
        item = self.hierarchy.get(state.scene_item or "")
        kind = state.scene_kind or SceneKind.EXPOSURE
        stopped = peak_suds > self.rules.stop_threshold_suds
        score = peak_suds if self.rules.criterion == "peak" else end_suds
        calm = not stopped and score <= self.rules.pass_threshold_suds
        stops = dict(state.stops)
        if stopped:
            stops[item.id] = stops.get(item.id, 0) + 1
        passed = set(state.passed)
        run = 0
        if kind is SceneKind.REVIEW:
            outcome = Outcome.REVIEW_CALM if calm else Outcome.REOPENED
            if not calm:
                passed.discard(item.id)
        elif calm:
            run = (state.calm_run if state.calm_item == item.id else 0) + 1
            outcome = Outcome.CALM
            if run >= self.rules.consecutive_passes:
                outcome, run = Outcome.PASSED, 0
                passed.add(item.id)
                stops.pop(item.id, None)
        else:
            outcome = Outcome.STOPPED if stopped else Outcome.NOT_YET
        new_state = replace(
            state,
            passed=frozenset(passed),
            stops=stops,
            calm_run=run,
            calm_item=item.id if run else None,
            expectancy_pct=None,
        )
        program = replace(self, state=new_state)
        program = program._next_scene()
        trial = Trial(
            session_no=state.session_no,
            item_id=item.id,
            item_text=item.text,
            item_suds=item.suds,
            kind=kind,
            expectancy_pct=state.expectancy_pct if state.expectancy_pct is not None else 0,
            peak_suds=peak_suds,
            end_suds=end_suds,
            duration_s=seconds,
            outcome=outcome,
            calm_run=run,
        )
        return program, trial

    def end_session(self) -> Program:
        """Stop the session now ("Not today" or "That's enough for today").

        A scene being imagined is dropped without a rating; the calm run resets, because
        passing needs calm presentations in a row within one session. Calling it outside
        a session changes nothing, so "Not today" can never fail.
        """
        state = replace(
            self.state,
            phase=Phase.IDLE,
            scene_item=None,
            scene_kind=None,
            calm_run=0,
            calm_item=None,
            expectancy_pct=None,
        )
        return replace(self, state=state)

    # ------------------------------------------------------------------- edits
    def with_hierarchy(self, hierarchy: Hierarchy) -> Program:
        """Return the program with an edited or replaced hierarchy, state reconciled.

        Progress follows item ids: an item keeps "passed" if it still exists with the
        same text (re-rating or moving keeps it; a new text is a new scene). Stop counts
        reset for an item whose text or step below it changed. During a session the
        scene moves to the new target, and a scene being imagined whose item changed is
        dropped (the client relaxes again). If nothing is left to practise, the session
        ends.
        """
        old = {item.id: item for item in self.hierarchy.items}
        new = {item.id: item for item in hierarchy.items}

        def unchanged(item_id: str) -> bool:
            return item_id in old and item_id in new and old[item_id].text == new[item_id].text

        old_below = _below(self.hierarchy)
        new_below = _below(hierarchy)
        state = self.state
        passed = frozenset(i for i in state.passed if unchanged(i))
        stops = {
            i: n
            for i, n in state.stops.items()
            if unchanged(i) and old_below.get(i) == new_below.get(i)
        }
        scene_ok = state.scene_item is not None and unchanged(state.scene_item)
        state = replace(state, passed=passed, stops=stops)
        if state.calm_item is not None and not unchanged(state.calm_item):
            state = replace(state, calm_run=0, calm_item=None)
        if not scene_ok and state.phase is Phase.IMAGINING:
            state = replace(state, phase=Phase.RELAXING, expectancy_pct=None)
        program = replace(self, hierarchy=hierarchy, state=state)
        return program._normalized()

    def with_rules(self, rules: Rules) -> Program:
        """Return the program under new rules.

        The calm run restarts (it was counted under the old thresholds), so a rule change
        can never pass an item by itself.
        """
        state = replace(self.state, calm_run=0, calm_item=None)
        return replace(self, rules=rules, state=state)._normalized()

    # ------------------------------------------------------------ consistency
    def invariant_violations(self) -> list[str]:
        """Return every way the state contradicts the hierarchy and rules (empty if none)."""
        s = self.state
        ids = set(self.hierarchy.ids)
        problems = []
        if not s.passed <= ids:
            problems.append(f"passed ids not in the hierarchy: {sorted(s.passed - ids)}")
        if not set(s.stops) <= ids or any(n < 1 for n in s.stops.values()):
            problems.append(f"stop counts do not match the hierarchy: {s.stops}")
        if not 0 <= s.calm_run < self.rules.consecutive_passes:
            problems.append(f"calm run {s.calm_run} outside 0..consecutive_passes-1")
        current = self.current_item
        if s.calm_run and (current is None or s.calm_item != current.id):
            problems.append("a calm run is counted for an item that is not the current one")
        if not s.calm_run and s.calm_item is not None:
            problems.append("a calm item is set without a calm run")
        if s.phase is Phase.IDLE:
            if s.scene_item is not None or s.scene_kind is not None:
                problems.append("a scene is set outside a session")
            if s.calm_run:
                problems.append("a calm run is counted outside a session")
        else:
            problems.extend(self._session_violations())
        if (s.phase is Phase.IMAGINING) != (s.expectancy_pct is not None):
            problems.append("an expectancy rating belongs to a scene being imagined, only")
        return problems

    def _session_violations(self) -> list[str]:
        s = self.state
        current, review = self.current_item, self.review_item
        if current is None:
            return ["a session is running with nothing left to practise"]
        if s.scene_kind is SceneKind.EXPOSURE and s.scene_item != current.id:
            return ["the exposure scene is not the current item"]
        if s.scene_kind is SceneKind.REVIEW and (review is None or s.scene_item != review.id):
            return ["the review scene is not the last item passed"]
        if s.scene_kind is None:
            return ["a session is running without a scene"]
        return []

    def _normalized(self) -> Program:
        """Repair the state after an edit so that no invariant is violated."""
        s = self.state
        ids = set(self.hierarchy.ids)
        state = replace(
            s,
            passed=frozenset(s.passed & ids),
            stops={i: n for i, n in s.stops.items() if i in ids and n >= 1},
        )
        program = replace(self, state=state)
        current = program.current_item
        if state.calm_run and (
            current is None
            or state.calm_item != current.id
            or state.calm_run >= self.rules.consecutive_passes
        ):
            state = replace(state, calm_run=0, calm_item=None)
        if not state.calm_run:
            state = replace(state, calm_item=None)
        program = replace(program, state=state)
        if state.phase is Phase.IDLE:
            return program.end_session()
        if current is None:
            return program.end_session()
        if program._session_violations():
            state = replace(
                state,
                phase=Phase.RELAXING,
                scene_item=current.id,
                scene_kind=SceneKind.EXPOSURE,
                expectancy_pct=None,
            )
        elif state.phase is Phase.RELAXING:
            state = replace(state, expectancy_pct=None)
        elif state.expectancy_pct is None:
            state = replace(state, phase=Phase.RELAXING)
        return replace(program, state=state)

    def _next_scene(self) -> Program:
        """After a trial: relax before the current item, or end if all are passed."""
        current = self.current_item
        if current is None:
            return self.end_session()
        state = replace(
            self.state,
            phase=Phase.RELAXING,
            scene_item=current.id,
            scene_kind=SceneKind.EXPOSURE,
        )
        return replace(self, state=state)

    @classmethod
    def load(cls, hierarchy: Hierarchy, rules: Rules, state: dict[str, Any]) -> Program:
        """Rebuild a program from stored parts, repairing any state the hierarchy no
        longer supports (for example after an edit made outside the program)."""
        return cls(hierarchy, rules, ProgramState.from_dict(state))._normalized()


def _below(hierarchy: Hierarchy) -> dict[str, str | None]:
    ids = hierarchy.ids
    return {item_id: (ids[i - 1] if i else None) for i, item_id in enumerate(ids)}
