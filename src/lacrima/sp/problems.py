"""Parts of a session that could not be analysed, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lacrima.sp.windows import runs_of

__all__ = ["Problem", "gaps_as_problems"]


@dataclass(frozen=True)
class Problem:
    """One part of the analysis that is missing or degraded.

    Attributes
    ----------
    part : str
        What is affected: ``"channel eda"``, ``"sympathetic index"``, ``"baseline"``...
    reason : str
        Plain-language cause and, where possible, what to do.
    start_s, end_s : float or None
        The affected stretch (s from recording start); ``None`` for the whole session.
    """

    part: str
    reason: str
    start_s: float | None = None
    end_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view."""
        return {
            "part": self.part,
            "reason": self.reason,
            "start_s": None if self.start_s is None else round(self.start_s, 1),
            "end_s": None if self.end_s is None else round(self.end_s, 1),
        }


def gaps_as_problems(
    bad: np.ndarray,
    t_s: np.ndarray,
    step_s: float,
    part: str,
    reason: str,
    min_s: float = 30.0,
    join_s: float = 30.0,
) -> list[Problem]:
    """Turn runs of ``bad`` grid points into problems.

    Runs separated by less than ``join_s`` of good signal are joined (the report lists
    stretches, not every flicker); stretches shorter than ``min_s`` are not listed.
    """
    spans: list[list[float]] = []
    for i0, i1 in runs_of(bad):
        start = max(float(t_s[i0] - step_s / 2.0), 0.0)
        end = float(t_s[i1 - 1] + step_s / 2.0)
        if spans and start - spans[-1][1] < join_s:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [
        Problem(part=part, reason=reason, start_s=a, end_s=b) for a, b in spans if b - a >= min_s
    ]
