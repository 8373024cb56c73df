"""The PHQ-9 depression screening questionnaire: its exact wording and standard scoring.

The wording, response options and copyright notice are reproduced unchanged, as the
authors require. Scoring: the nine items (0-3 each) are summed (0-27) and the total is
placed in the published bands. Any answer above 0 on item 9 calls for safety resources,
whatever the total. A PHQ-9 result is a screening result for a clinician to discuss, not
a diagnosis.

Reference: Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression
severity measure. J Gen Intern Med 16:606-613, 2001.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lacrima.errors import CareError

__all__ = [
    "BANDS",
    "COPYRIGHT",
    "DIFFICULTY_OPTIONS",
    "DIFFICULTY_QUESTION",
    "ITEMS",
    "OPTIONS",
    "STEM",
    "Phq9Result",
    "score_phq9",
]

STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
ITEMS: tuple[str, ...] = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
OPTIONS: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)
DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to "
    "do your work, take care of things at home, or get along with other people?"
)
DIFFICULTY_OPTIONS: tuple[tuple[str, str], ...] = (
    ("not_difficult", "Not difficult at all"),
    ("somewhat", "Somewhat difficult"),
    ("very", "Very difficult"),
    ("extremely", "Extremely difficult"),
)
COPYRIGHT = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)
SOURCE = "Kroenke, Spitzer & Williams, J Gen Intern Med 16:606-613, 2001"

#: (lowest total, highest total, band key, words used on screen)
BANDS: tuple[tuple[int, int, str, str], ...] = (
    (0, 4, "minimal", "minimal"),
    (5, 9, "mild", "mild"),
    (10, 14, "moderate", "moderate"),
    (15, 19, "moderately_severe", "moderately severe"),
    (20, 27, "severe", "severe"),
)
ITEM9_INDEX = 8


@dataclass(frozen=True)
class Phq9Result:
    """A scored PHQ-9.

    Attributes
    ----------
    answers : tuple of int
        The nine answers, 0-3 each, in item order.
    total : int
        Sum of the answers, 0-27.
    band : str
        Band key: minimal, mild, moderate, moderately_severe or severe.
    band_label : str
        The band in words.
    item9_positive : bool
        True when item 9 was answered above 0: safety resources must be shown.
    """

    answers: tuple[int, ...]
    total: int
    band: str
    band_label: str
    item9_positive: bool


def score_phq9(answers: Sequence[int]) -> Phq9Result:
    """Score nine PHQ-9 answers.

    Parameters
    ----------
    answers : sequence of int
        Exactly nine answers, each 0 (not at all) to 3 (nearly every day).

    Returns
    -------
    Phq9Result

    Raises
    ------
    CareError
        If there are not nine answers or one is not a whole number from 0 to 3.

    Examples
    --------
    >>> r = score_phq9([1, 1, 1, 1, 1, 0, 0, 0, 0])
    >>> (r.total, r.band, r.item9_positive)
    (5, 'mild', False)
    """
    if len(answers) != len(ITEMS):
        raise CareError(f"the PHQ-9 needs {len(ITEMS)} answers, got {len(answers)}")
    clean = []
    for number, value in enumerate(answers, start=1):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
            raise CareError(f"PHQ-9 item {number}: the answer must be 0, 1, 2 or 3, got {value!r}")
        clean.append(value)
    total = sum(clean)
    for low, high, key, label in BANDS:
        if low <= total <= high:
            return Phq9Result(
                answers=tuple(clean),
                total=total,
                band=key,
                band_label=label,
                item9_positive=clean[ITEM9_INDEX] > 0,
            )
    raise AssertionError(f"unreachable: total {total} outside the PHQ-9 bands")  # pragma: no cover
