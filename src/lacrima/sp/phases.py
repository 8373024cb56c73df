"""Segment a session into baseline, S, peak, P and recovery phases.

1. Both indices are smoothed with a centred 10-s moving mean.
2. *Arousal episodes* are stretches where the sympathetic index is above
   ``arousal_off``, joined across dips shorter than ``merge_gap_s``, that spend at least
   ``min_arousal_s`` above ``arousal_on`` and peak at ``peak_min`` or more. Shorter or
   lower bursts are orienting responses (a laugh, a sudden noise), not an S-phase.
3. Each episode is timed and classified by :func:`lacrima.sp.cycles.time_cycle`.
4. Markers anchor but are never required: a ``tears`` marker outside every episode
   looks for a lower peak (``anchor_peak_min``) within 2 min of it; markers inside a
   cycle are attached to it so the report can show them.
5. Phases: ``S`` from S onset to peak, ``peak`` from peak to P onset (or, without a
   P-phase, until the index falls below 80 % of the peak), ``P`` from P onset to the top
   of the parasympathetic rise, ``recovery`` from there to the cycle end, ``baseline``
   for the calm stretches between cycles.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lacrima.sp.cycles import Cycle, time_cycle
from lacrima.sp.options import Options
from lacrima.sp.windows import grid_mean, runs_of

__all__ = ["Phase", "Segmentation", "segment"]

_SMOOTH_S = 10.0
_ANCHOR_SEARCH_S = 120.0
_ANCHOR_LABELS = ("tears", "crying", "cry")


@dataclass(frozen=True)
class Phase:
    """A labelled stretch (s from recording start); ``cycle`` is its cycle's number."""

    label: str
    start_s: float
    end_s: float
    cycle: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view."""
        return {
            "label": self.label,
            "start_s": round(self.start_s, 1),
            "end_s": round(self.end_s, 1),
            "cycle": self.cycle,
        }


@dataclass(frozen=True, eq=False)
class Segmentation:
    """Cycles and phases of a session; ``kind`` is ``"cycles"`` or ``"no_arousal"``."""

    cycles: tuple[Cycle, ...]
    phases: tuple[Phase, ...]
    sympathetic_smooth: np.ndarray
    parasympathetic_smooth: np.ndarray | None

    @property
    def kind(self) -> str:
        """``"no_arousal"`` when no cycle was found, else ``"cycles"``."""
        return "cycles" if self.cycles else "no_arousal"


def smooth(x: np.ndarray, step_s: float, width_s: float = _SMOOTH_S) -> np.ndarray:
    """Centred NaN-aware moving mean of a grid series (gaps bridged)."""
    return grid_mean(x, step_s, width_s)


def _episodes(s: np.ndarray, o: Options, peak_min: float, min_on_s: float) -> list[tuple[int, int]]:
    high = np.where(np.isfinite(s), s >= o.arousal_off, False)
    runs = runs_of(high)
    merged: list[list[int]] = []
    gap = round(o.merge_gap_s / o.step_s)
    for a, b in runs:
        if merged and a - merged[-1][1] < gap:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out = []
    for a, b in merged:
        seg = s[a:b]
        n_on = int(np.sum(np.where(np.isfinite(seg), seg >= o.arousal_on, False)))
        if n_on * o.step_s >= min_on_s and np.nanmax(seg) >= peak_min:
            out.append((a, b))
    return out


def _phases(cycles: list[Cycle], t: np.ndarray, s: np.ndarray, duration_s: float) -> list[Phase]:
    phases: list[Phase] = []
    last = 0.0
    for n, c in enumerate(cycles):
        if c.s_onset_s > last:
            phases.append(Phase("baseline", last, c.s_onset_s))
        phases.append(Phase("S", c.s_onset_s, c.peak_s, n))
        if c.p_onset_s is not None and c.p_peak_s is not None:
            if c.p_onset_s > c.peak_s:
                phases.append(Phase("peak", c.peak_s, c.p_onset_s, n))
            phases.append(Phase("P", max(c.p_onset_s, c.peak_s), c.p_peak_s, n))
            rec_from = c.p_peak_s
        else:
            after = (t > c.peak_s) & (t <= c.end_s) & (s < 0.8 * c.peak_height)
            rec_from = float(t[np.argmax(after)]) if after.any() else c.end_s
            phases.append(Phase("peak", c.peak_s, rec_from, n))
        if c.end_s > rec_from:
            phases.append(Phase("recovery", rec_from, c.end_s, n))
        last = max(c.end_s, rec_from)
    if last < duration_s:
        phases.append(Phase("baseline", last, duration_s))
    return [p for p in phases if p.end_s > p.start_s]


def _time_all(
    t: np.ndarray,
    s: np.ndarray,
    p: np.ndarray | None,
    eps: list[tuple[int, int]],
    o: Options,
    duration_s: float,
    timing: np.ndarray,
    p_timing: np.ndarray | None,
) -> list[Cycle]:
    cycles: list[Cycle] = []
    prev_end = 0.0
    for n, (a, b) in enumerate(eps):
        seg = timing[a:b]
        peak_i = a + int(np.nanargmax(seg if np.isfinite(seg).any() else s[a:b]))
        next_start = float(t[eps[n + 1][0]]) if n + 1 < len(eps) else duration_s
        c = time_cycle(t, s, p, peak_i, prev_end, next_start, o, s_timing=timing, p_timing=p_timing)
        cycles.append(c)
        prev_end = c.end_s
    return cycles


def segment(
    t: np.ndarray,
    sympathetic: np.ndarray,
    parasympathetic: np.ndarray | None,
    markers: list,
    duration_s: float,
    options: Options,
    timing: np.ndarray | None = None,
    p_timing: np.ndarray | None = None,
) -> Segmentation:
    """Find the S-P cycles of a session and label its phases.

    Parameters
    ----------
    t : numpy.ndarray
        Grid times, s.
    sympathetic, parasympathetic : numpy.ndarray
        The indices (baseline z); ``parasympathetic`` may be None or all NaN.
    markers : list of lacrima.io.Marker
        Used to anchor and explain, never required.
    duration_s : float
        Session length, s.
    options : Options
        Thresholds.
    timing, p_timing : numpy.ndarray, optional
        Timing versions of the two indices; time onsets and peaks when given.

    Returns
    -------
    Segmentation
    """
    o = options
    s = smooth(sympathetic, o.step_s)
    st = s if timing is None or not np.isfinite(timing).any() else smooth(timing, o.step_s)
    p = pt = None
    if parasympathetic is not None and np.isfinite(parasympathetic).any():
        p = smooth(parasympathetic, o.step_s)
        use_pt = p_timing is not None and bool(np.isfinite(p_timing).any())
        pt = smooth(p_timing, o.step_s) if use_pt and p_timing is not None else p
    eps = _episodes(s, o, o.peak_min, o.min_arousal_s)
    anchored: set[int] = set()
    tears = [m.time_s for m in markers if m.label.lower() in _ANCHOR_LABELS]
    if tears:
        low = _episodes(s, o, o.anchor_peak_min, min_on_s=0.0)
        for a, b in low:
            inside = any(ea <= a < eb or a <= ea < b for ea, eb in eps)
            near = any(
                t[a] - _ANCHOR_SEARCH_S <= m <= t[min(b, len(t)) - 1] + _ANCHOR_SEARCH_S
                for m in tears
            )
            if near and not inside:
                eps.append((a, b))
                anchored.add(a)
        eps.sort()
    cycles = _time_all(t, s, p, eps, o, duration_s, st, pt)
    out = []
    for (a, _), c in zip(eps, cycles, strict=True):
        lo, hi = c.s_onset_s - 30.0, c.end_s
        ms = tuple((float(m.time_s), str(m.label)) for m in markers if lo <= m.time_s <= hi)
        out.append(replace(c, markers=ms, anchored_by="tears" if a in anchored else None))
    return Segmentation(
        cycles=tuple(out),
        phases=tuple(_phases(out, t, s, duration_s)),
        sympathetic_smooth=s,
        parasympathetic_smooth=p,
    )
