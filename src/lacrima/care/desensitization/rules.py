"""The rules of the exposure trials: thresholds, counts and times.

The defaults and why we chose them are in ``docs/decisions/0006-desensitization-defaults.md``.
They follow the shape of systematic desensitization (Wolpe, 1958; SUDS from Wolpe, 1969):
short imagined scenes, stopped and followed by relaxation when distress rises, with an item
counted as passed after repeated calm presentations. Inhibitory-learning accounts
(Craske et al., 2014) question whether fear has to fall for learning to happen, so every
number here is a setting, and every trial logs peak and end SUDS and an expectancy rating
whatever the rule.

References
----------
Wolpe, J. (1958). *Psychotherapy by Reciprocal Inhibition*. Stanford University Press.
Craske, M. G., Treanor, M., Conway, C. C., Zbozinek, T., & Vervliet, B. (2014).
Maximizing exposure therapy: an inhibitory learning approach. *Behav Res Ther*, 58, 10-23.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from .errors import RulesError, check_int, check_seconds

Criterion = Literal["peak", "end"]
CRITERIA: tuple[Criterion, ...] = ("peak", "end")


@dataclass(frozen=True)
class Rules:
    """How trials are judged.

    Parameters
    ----------
    pass_threshold_suds : int
        A presentation is *calm* when its SUDS (peak or end, see ``criterion``) is at or
        below this, 0-100. Default 10.
    stop_threshold_suds : int
        A presentation whose peak SUDS is above this is *stopped*: back to relaxation.
        Must be at least ``pass_threshold_suds``. Default 30.
    consecutive_passes : int
        Calm presentations in a row (within one session) that pass an item, 1-10.
        Default 3.
    scene_s : float
        Suggested length of one imagined scene, 5-120 s. Default 20 s.
    relax_s : float
        Suggested relaxation between scenes, 0-600 s. Default 30 s.
    max_step_suds : int
        A rise in SUDS between neighbouring items above this suggests an in-between step,
        1-100. Default 10.
    step_hint_after : int
        Stopped presentations of one item (across sessions) after which the program
        suggests adding an in-between step, 1-20. Default 3.
    review_last_passed : bool
        Start each session with one presentation of the last item passed. Default True.
    criterion : {"peak", "end"}
        Which rating must be at or below the pass threshold. Default ``"peak"`` (the
        distress stayed low for the whole scene).

    Raises
    ------
    RulesError
        Naming the setting, its allowed range and the value received.
    """

    pass_threshold_suds: int = 10
    stop_threshold_suds: int = 30
    consecutive_passes: int = 3
    scene_s: float = 20.0
    relax_s: float = 30.0
    max_step_suds: int = 10
    step_hint_after: int = 3
    review_last_passed: bool = True
    criterion: Criterion = "peak"

    def __post_init__(self) -> None:
        check_int("pass_threshold_suds", self.pass_threshold_suds, 0, 100, RulesError)
        check_int("stop_threshold_suds", self.stop_threshold_suds, 0, 100, RulesError)
        if self.stop_threshold_suds < self.pass_threshold_suds:
            raise RulesError(
                "stop_threshold_suds must be at least pass_threshold_suds "
                f"({self.pass_threshold_suds}); got {self.stop_threshold_suds}"
            )
        check_int("consecutive_passes", self.consecutive_passes, 1, 10, RulesError)
        object.__setattr__(
            self, "scene_s", check_seconds("scene_s", self.scene_s, 5, 120, RulesError)
        )
        object.__setattr__(
            self, "relax_s", check_seconds("relax_s", self.relax_s, 0, 600, RulesError)
        )
        check_int("max_step_suds", self.max_step_suds, 1, 100, RulesError)
        check_int("step_hint_after", self.step_hint_after, 1, 20, RulesError)
        if not isinstance(self.review_last_passed, bool):
            raise RulesError(
                f"review_last_passed must be true or false; got {self.review_last_passed!r}"
            )
        if self.criterion not in CRITERIA:
            raise RulesError(f"criterion must be one of {CRITERIA}; got {self.criterion!r}")

    def to_dict(self) -> dict[str, Any]:
        """Return the rules as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rules:
        """Build rules from a dict; unknown keys raise, missing keys take the default."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RulesError(
                f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return cls(**data)
