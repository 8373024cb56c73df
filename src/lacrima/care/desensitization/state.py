"""Where a client stands in the program: the plain, storable part of the state machine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import ProgramError, check_int


class Phase(StrEnum):
    """The phase of a session."""

    IDLE = "idle"
    RELAXING = "relaxing"
    IMAGINING = "imagining"


class SceneKind(StrEnum):
    """Whether a presentation reviews the last item passed or works on the current one."""

    REVIEW = "review"
    EXPOSURE = "exposure"


class Outcome(StrEnum):
    """What a rated presentation led to."""

    CALM = "calm"  # at or below the pass threshold; the calm run grows
    PASSED = "passed"  # the calm run reached the rule: the item is passed
    NOT_YET = "not_yet"  # above the pass threshold, not above the stop threshold
    STOPPED = "stopped"  # above the stop threshold: back to relaxation
    REVIEW_CALM = "review_calm"  # the review stayed calm: on to the current item
    REOPENED = "reopened"  # the review was not calm: that item is worked on again


@dataclass(frozen=True)
class ProgramState:
    """Storable state. Build it through :class:`~.machine.Program`, not by hand.

    Attributes
    ----------
    phase : Phase
        Idle between sessions, relaxing or imagining during one.
    passed : frozenset of str
        Ids of passed items.
    session_no : int
        Sessions started so far.
    scene_item, scene_kind
        The scene to imagine next or now; None when idle.
    calm_run : int
        Calm presentations in a row of ``calm_item`` in this session.
    calm_item : str or None
        The item the calm run counts for.
    stops : mapping of str to int
        Stopped presentations per item since it was last passed or changed.
    expectancy_pct : int or None
        The expectancy rating given before the scene being imagined.
    """

    phase: Phase = Phase.IDLE
    passed: frozenset[str] = frozenset()
    session_no: int = 0
    scene_item: str | None = None
    scene_kind: SceneKind | None = None
    calm_run: int = 0
    calm_item: str | None = None
    stops: Mapping[str, int] = field(default_factory=dict)
    expectancy_pct: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the state as a JSON-ready dict."""
        return {
            "phase": self.phase.value,
            "passed": sorted(self.passed),
            "session_no": self.session_no,
            "scene_item": self.scene_item,
            "scene_kind": None if self.scene_kind is None else self.scene_kind.value,
            "calm_run": self.calm_run,
            "calm_item": self.calm_item,
            "stops": dict(sorted(self.stops.items())),
            "expectancy_pct": self.expectancy_pct,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProgramState:
        """Rebuild a state from :meth:`to_dict` output; an empty dict is the start state.

        Raises
        ------
        ProgramError
            If a field has the wrong type or value.
        """
        try:
            phase = Phase(data.get("phase", Phase.IDLE.value))
            kind = data.get("scene_kind")
            passed = data.get("passed", [])
            stops = data.get("stops", {})
            if not isinstance(passed, list | tuple | set | frozenset) or not isinstance(
                stops, Mapping
            ):
                raise TypeError("passed must be a list and stops a mapping")
            expectancy = data.get("expectancy_pct")
            return cls(
                phase=phase,
                passed=frozenset(str(i) for i in passed),
                session_no=check_int("session_no", data.get("session_no", 0), 0, 10**9),
                scene_item=_optional_str(data.get("scene_item")),
                scene_kind=None if kind is None else SceneKind(kind),
                calm_run=check_int("calm_run", data.get("calm_run", 0), 0, 10),
                calm_item=_optional_str(data.get("calm_item")),
                stops={str(i): check_int("stops", n, 0, 10**6) for i, n in stops.items()},
                expectancy_pct=None
                if expectancy is None
                else check_int("expectancy_pct", expectancy, 0, 100),
            )
        except (TypeError, ValueError, ProgramError) as exc:
            raise ProgramError(f"stored program state is not valid: {exc}") from exc


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected an id as text, got {value!r}")
    return value


@dataclass(frozen=True)
class Trial:
    """One logged presentation: what was imagined, the ratings, and what followed."""

    session_no: int
    item_id: str
    item_text: str
    item_suds: int
    kind: SceneKind
    expectancy_pct: int
    peak_suds: int
    end_suds: int
    duration_s: float
    outcome: Outcome
    calm_run: int

    def to_dict(self) -> dict[str, Any]:
        """Return the trial as a JSON-ready dict."""
        return {
            "session_no": self.session_no,
            "item_id": self.item_id,
            "item_text": self.item_text,
            "item_suds": self.item_suds,
            "kind": self.kind.value,
            "expectancy_pct": self.expectancy_pct,
            "peak_suds": self.peak_suds,
            "end_suds": self.end_suds,
            "duration_s": self.duration_s,
            "outcome": self.outcome.value,
            "calm_run": self.calm_run,
        }
