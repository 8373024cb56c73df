"""Scripts for the relaxation trainer: abbreviated PMR and paced breathing.

Progressive muscle relaxation (PMR) tenses and then releases muscle groups in turn; the
abbreviated form groups the muscles into seven or four groups (Bernstein & Borkovec,
1973). Paced breathing follows a visual pacer at a chosen rate, by default six breaths a
minute. The web page runs both in the browser from these data, with no network calls
during the exercise. Timings are settings; the defaults are explained in
``docs/decisions/0006-desensitization-defaults.md``.

References
----------
Bernstein, D. A., & Borkovec, T. D. (1973). *Progressive Relaxation Training: A Manual
for the Helping Professions*. Research Press.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import ProgramError, check_int, check_seconds

RATING_MIN = 0
RATING_MAX = 10

SAFETY_NOTE = (
    "Tense each part gently, never to the point of pain. Skip any part that is injured "
    "or hurts, and simply rest it instead."
)

# (name, how to tense it), each group named so the release step can refer to it.
PMR_SEVEN_GROUPS: tuple[tuple[str, str], ...] = (
    ("your stronger hand and arm", "Make a fist and bend the arm to tighten hand and arm."),
    ("your other hand and arm", "Make a fist and bend the arm to tighten hand and arm."),
    ("your face", "Raise your eyebrows, squeeze your eyes shut and press your lips together."),
    ("your neck and throat", "Gently pull your chin towards your chest without touching it."),
    (
        "your chest, shoulders, back and belly",
        "Breathe in and hold, pull your shoulder blades together and tighten your belly.",
    ),
    ("your stronger leg and foot", "Lift the leg a little and point your toes."),
    ("your other leg and foot", "Lift the leg a little and point your toes."),
)

PMR_FOUR_GROUPS: tuple[tuple[str, str], ...] = (
    ("both hands and arms", "Make fists and bend both arms to tighten hands and arms."),
    (
        "your face and neck",
        "Scrunch your face and gently pull your chin towards your chest.",
    ),
    (
        "your chest, shoulders, back and belly",
        "Breathe in and hold, pull your shoulder blades together and tighten your belly.",
    ),
    ("both legs and feet", "Lift both legs a little and point your toes."),
)

PMR_VARIANTS: dict[int, tuple[tuple[str, str], ...]] = {7: PMR_SEVEN_GROUPS, 4: PMR_FOUR_GROUPS}


class StepKind(StrEnum):
    """One cue of a relaxation script."""

    INTRO = "intro"
    TENSE = "tense"
    RELEASE = "release"
    CLOSE = "close"


@dataclass(frozen=True)
class ScriptStep:
    """A cue shown (and counted down) for ``seconds``."""

    kind: StepKind
    text: str
    seconds: float


@dataclass(frozen=True)
class BreathPattern:
    """One breathing cycle of the pacer and how many cycles the exercise has."""

    breaths_per_min: float
    inhale_s: float
    exhale_s: float
    cycles: int

    @property
    def cycle_s(self) -> float:
        """Seconds of one breath, in and out."""
        return self.inhale_s + self.exhale_s


def build_pmr_script(
    groups: int = 7, tense_s: float = 7.0, release_s: float = 30.0
) -> list[ScriptStep]:
    """Return the cues of an abbreviated PMR exercise.

    Parameters
    ----------
    groups : {7, 4}
        The seven- or four-group form (Bernstein & Borkovec, 1973).
    tense_s : float
        Seconds to hold the tension, 3-15. Default 7.
    release_s : float
        Seconds to notice the release, 10-90. Default 30.

    Raises
    ------
    ProgramError
        If ``groups`` is not 7 or 4, or a time is out of range.

    Examples
    --------
    >>> steps = build_pmr_script(groups=4)
    >>> [s.kind.value for s in steps[:3]]
    ['intro', 'tense', 'release']
    """
    if groups not in PMR_VARIANTS:
        raise ProgramError(f"groups must be one of {sorted(PMR_VARIANTS)}; got {groups!r}")
    tense = check_seconds("tense_s", tense_s, 3, 15)
    release = check_seconds("release_s", release_s, 10, 90)
    steps = [
        ScriptStep(
            StepKind.INTRO,
            "Sit or lie comfortably and let your eyes close if you like. " + SAFETY_NOTE,
            10.0,
        )
    ]
    for name, how in PMR_VARIANTS[groups]:
        steps.append(ScriptStep(StepKind.TENSE, f"Tense {name}. {how}", tense))
        steps.append(
            ScriptStep(
                StepKind.RELEASE,
                f"Let go of {name} all at once. Notice how it feels as the tension leaves.",
                release,
            )
        )
    steps.append(
        ScriptStep(
            StepKind.CLOSE,
            "Stay with the calm for a moment. When you are ready, open your eyes.",
            15.0,
        )
    )
    return steps


def build_breath_pattern(
    breaths_per_min: float = 6.0, inhale_fraction: float = 0.4, minutes: float = 3.0
) -> BreathPattern:
    """Return the pacer's cycle for paced breathing.

    Parameters
    ----------
    breaths_per_min : float
        Pace, 3-12 breaths a minute. Default 6 (a 10 s breath).
    inhale_fraction : float
        Share of each breath spent breathing in, 0.3-0.6. Default 0.4 (out longer than in).
    minutes : float
        Length of the exercise, 1-20 minutes. Default 3.

    Raises
    ------
    ProgramError
        If a value is out of range.

    Examples
    --------
    >>> p = build_breath_pattern()
    >>> p.inhale_s, p.exhale_s, p.cycles
    (4.0, 6.0, 18)
    """
    rate = _check_range("breaths_per_min", breaths_per_min, 3, 12)
    fraction = _check_range("inhale_fraction", inhale_fraction, 0.3, 0.6)
    length = _check_range("minutes", minutes, 1, 20)
    cycle_s = 60.0 / rate
    inhale_s = round(cycle_s * fraction, 2)
    exhale_s = round(cycle_s - inhale_s, 2)
    return BreathPattern(rate, inhale_s, exhale_s, max(1, round(length * rate)))


def check_relaxation_rating(name: str, value: object) -> int:
    """Return a 0-10 relaxation rating ("How relaxed do you feel?"), or raise ProgramError."""
    return check_int(name, value, RATING_MIN, RATING_MAX)


def _check_range(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ProgramError(f"{name} must be a number from {low:g} to {high:g}; got {value!r}")
    if not low <= value <= high:
        raise ProgramError(f"{name} must be from {low:g} to {high:g}; got {value:g}")
    return float(value)
