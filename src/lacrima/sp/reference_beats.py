"""What the report says about a recording's reference beat annotations.

A WFDB record's beat annotations (a cardiologist's ``N``, ``V``, ``A``, ...) are a
reference for validating beat detection, not events of the session: the report gives
their number per symbol in one line and never draws them one by one (decision record
0013f).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["BeatReferenceSummary", "summarize_reference_beats"]


@dataclass(frozen=True)
class BeatReferenceSummary:
    """The reference beats of a recording, counted.

    Attributes
    ----------
    source : str
        The annotation file (``"100.atr"``).
    n_beats : int
        Number of annotated beats.
    counts : tuple of (str, int)
        Beats per symbol, most frequent first.
    first_s, last_s : float or None
        Time of the first and last annotated beat, s from the recording start.
    """

    source: str
    n_beats: int
    counts: tuple[tuple[str, int], ...]
    first_s: float | None
    last_s: float | None

    def line(self) -> str:
        """One line for the report.

        E.g. ``reference beat annotations (100.atr): 2,273 (N 2,239, A 33, V 1)``.
        """
        per_symbol = ", ".join(f"{symbol} {n:,}" for symbol, n in self.counts)
        detail = f" ({per_symbol})" if per_symbol else ""
        return f"reference beat annotations ({self.source}): {self.n_beats:,}{detail}"

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (``counts`` as an object, most frequent symbol first)."""
        return {
            "source": self.source,
            "n_beats": self.n_beats,
            "counts": dict(self.counts),
            "first_s": self.first_s,
            "last_s": self.last_s,
        }


def summarize_reference_beats(reference: Any) -> BeatReferenceSummary | None:
    """Count a recording's reference beats per symbol.

    Parameters
    ----------
    reference : lacrima.io.recording.ReferenceBeats or None
        ``Recording.reference_beats``.

    Returns
    -------
    BeatReferenceSummary or None
        None when the recording has no reference beats.

    Examples
    --------
    >>> from lacrima.io.recording import ReferenceBeats
    >>> ref = ReferenceBeats([0.5, 1.3, 2.1], ("N", "V", "N"), "x.atr")
    >>> summarize_reference_beats(ref).line()
    'reference beat annotations (x.atr): 3 (N 2, V 1)'
    """
    if reference is None:
        return None
    times = [float(t) for t in reference.times_s if math.isfinite(float(t))]
    return BeatReferenceSummary(
        source=str(reference.source),
        n_beats=len(reference),
        counts=tuple(reference.counts().items()),
        first_s=round(min(times), 3) if times else None,
        last_s=round(max(times), 3) if times else None,
    )
