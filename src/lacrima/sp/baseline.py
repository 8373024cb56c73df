"""The session's baseline: where it is, and each feature's reference level and scale.

Where (first match wins):

1. ``options.baseline`` (``--baseline START:END`` on the command line);
2. markers: a ``baseline_start`` / ``baseline_end`` pair, or one ``baseline`` marker
   with a duration;
3. the first ``options.default_baseline_s`` seconds (5 min by default).

Reference per feature: the median over the baseline windows of good quality (>= 0.7, or
>= ``min_quality`` when fewer than 60 s of windows are that good), and a
robust scale ``max(1.4826 * MAD, floor)``. The floor is the smallest change that is
physiologically meaningful for that feature (see :data:`lacrima.sp.indices.COMPONENTS`);
it stops a very steady baseline from turning noise into large z-scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lacrima.errors import AnalysisError
from lacrima.sp.options import Options

__all__ = ["Baseline", "Reference", "choose_baseline", "reference_of"]

_MIN_BASELINE_S = 60.0
_MIN_VALID_S = 60.0  # usable window centres needed for a reference, s
_GOOD_QUALITY = 0.7
MAX_DEFAULT_BASELINE_S = 480.0
"""A default (first-minutes) baseline may be widened to this for a sparse feature."""


@dataclass(frozen=True)
class Baseline:
    """The baseline segment (s from recording start) and where it came from.

    ``source`` is ``"option"``, ``"markers"`` or ``"first_minutes"``.
    """

    start_s: float
    end_s: float
    source: str

    def to_dict(self) -> dict[str, float | str]:
        """Plain-JSON view."""
        return {"start_s": self.start_s, "end_s": self.end_s, "source": self.source}


@dataclass(frozen=True)
class Reference:
    """Baseline median and robust scale of one (transformed) feature."""

    median: float
    scale: float
    mad_scale: float
    n_windows: int
    end_s: float
    """End of the stretch the reference came from (later than the baseline's end when a
    default baseline had to be widened)."""


def _from_markers(markers: list) -> tuple[float, float] | None:
    starts = [m.time_s for m in markers if m.label.lower() == "baseline_start"]
    ends = [m.time_s for m in markers if m.label.lower() == "baseline_end"]
    if starts and ends:
        s0 = min(starts)
        after = [e for e in ends if e > s0]
        if after:
            return (s0, min(after))
    for m in markers:
        if m.label.lower() == "baseline" and m.duration_s > 0:
            return (m.time_s, m.time_s + m.duration_s)
    return None


def choose_baseline(markers: list, duration_s: float, options: Options) -> Baseline:
    """Pick the baseline segment of a session.

    Parameters
    ----------
    markers : list of lacrima.io.Marker
        The recording's markers.
    duration_s : float
        Session length, s.
    options : Options
        ``baseline`` (explicit) and ``default_baseline_s``.

    Returns
    -------
    Baseline

    Raises
    ------
    AnalysisError
        If the session is shorter than the baseline plus one minute, or the baseline
        lies outside the session or is shorter than 60 s.
    """
    if options.baseline is not None:
        seg, source = options.baseline, "option"
    elif (m := _from_markers(markers)) is not None:
        seg, source = m, "markers"
    else:
        seg, source = (0.0, options.default_baseline_s), "first_minutes"
    start, end = float(seg[0]), float(seg[1])
    if end - start < _MIN_BASELINE_S:
        raise AnalysisError(
            f"the baseline {start:.0f}-{end:.0f} s ({source}) is shorter than "
            f"{_MIN_BASELINE_S:.0f} s; mark a longer calm stretch, e.g. --baseline 0:300"
        )
    if duration_s < end + _MIN_BASELINE_S:
        raise AnalysisError(
            f"the session ({duration_s:.0f} s) is shorter than the baseline ({start:.0f}-"
            f"{end:.0f} s, {source}) plus one minute to analyse; record longer, or give a "
            "shorter baseline with --baseline START:END (at least 60 s)"
        )
    return Baseline(start_s=start, end_s=end, source=source)


def _pick(
    values: np.ndarray, quality: np.ndarray, inside: np.ndarray, min_quality: float, need: int
) -> np.ndarray:
    """Baseline windows to use: the good ones if there are enough, else the usable ones."""
    # a few artefact-ridden windows would shift the reference for the whole session
    ok = inside & np.isfinite(values) & (quality >= max(min_quality, _GOOD_QUALITY))
    if ok.sum() < need:
        ok = inside & np.isfinite(values) & (quality >= min_quality)
    return ok if ok.sum() >= need and inside.sum() > 0 else np.zeros_like(inside)


def reference_of(
    values: np.ndarray,
    quality: np.ndarray,
    t_s: np.ndarray,
    baseline: Baseline,
    floor: float,
    min_quality: float,
) -> Reference | None:
    """Median and robust scale of ``values`` over the baseline windows.

    At least 60 s worth of usable windows are needed. When the baseline is the default
    first minutes and holds fewer for this feature (e.g. a wrist sensor while the person
    fills in a form), the window is widened step by step up to the first
    :data:`MAX_DEFAULT_BASELINE_S` seconds. A marked or given baseline is never widened.
    Returns ``None`` when there is still too little, so that a feature without a
    trustworthy reference is left out rather than guessed.
    """
    end = baseline.end_s
    step = float(np.median(np.diff(t_s))) if len(t_s) > 1 else 1.0
    need = max(int(np.ceil(_MIN_VALID_S / step)), 3)
    while True:
        inside = (t_s >= baseline.start_s) & (t_s <= end)
        ok = _pick(values, quality, inside, min_quality, need)
        if ok.any():
            break
        if baseline.source != "first_minutes" or end >= MAX_DEFAULT_BASELINE_S:
            return None
        end = min(end + 60.0, MAX_DEFAULT_BASELINE_S)
    v = values[ok]
    med = float(np.median(v))
    mad = float(1.4826 * np.median(np.abs(v - med)))
    return Reference(
        median=med, scale=max(mad, floor), mad_scale=mad, n_windows=int(ok.sum()), end_s=end
    )
