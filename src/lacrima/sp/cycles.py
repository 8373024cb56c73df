"""One S-P cycle: its timing and whether it came to release.

Given an arousal episode of the sympathetic index (see :mod:`lacrima.sp.phases`), using
the timing versions of the indices (inverse-noise-variance weights, 10-s smoothing):

* **peak** — the maximum of the sympathetic timing index in the episode;
* **S onset** — the break point of a flat-then-rising least-squares fit
  (:func:`lacrima.sp.fit.break_point`) of the climb: from 2 min before the index was
  last at baseline level (<= 0.5 z; never before the previous cycle's end nor more than
  20 min back) to 85 % of the way up, then moved back to the last time the index lay
  in its pre-rise band (median before the break + 1 robust SD), where the rise began;
* **P level** — the median parasympathetic index over the 30 s before the peak;
* **P depth** — the highest level the parasympathetic index then *holds for 30 s*
  within ``max_latency_s`` after the peak, minus the P level (baseline z);
* **kind** — ``complete`` if the P depth is at least ``release_rise`` *and* that level
  is at least ``release_level`` above baseline (a vagal rebound, Rottenberg et al.
  2003; effects of crying fade within about 4 min, Hendriks et al. 2007);
  ``unresolved`` if not (arousal without release); ``undetermined`` when there is no
  parasympathetic index (no cardiac channel) to tell;
* **P onset** — the break point of a two-piece fit (sloping line, then a quadratic) of
  the parasympathetic rise from 30 s before the peak (the branches can be active
  together) to the P peak;
* **P peak** — where that held maximum is;
* **end / time to recovery** — the first time after the P peak (or the peak) from which
  the sympathetic index stays below ``recovery_level`` and the parasympathetic index
  within +-``recovery_level`` for ``recovery_hold_s`` (both back near baseline).

References
----------
Rottenberg, J., Wilhelm, F. H., Gross, J. J., Gotlib, I. H. Psychophysiology 40:1-6, 2003.
Hendriks, M. C. P., Rottenberg, J., Vingerhoets, A. J. J. M. Emotion 7:458-463, 2007.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lacrima.sp.fit import break_point
from lacrima.sp.options import Options

__all__ = ["Cycle", "time_cycle"]

_MAX_RISE_S = 1200.0  # longest S-phase searched back from the peak
_P_PRE_S = 30.0  # the P onset may precede the peak by this much (branches co-active)
_HOLD_S = 30.0  # a release must hold this long
_S_FIT_FRACTION = 0.85
_BASELINE_LEVEL = 0.5  # z: "at baseline" for the onset search
_ONSET_LOOKBACK_S = 120.0
_BAND_MIN_Z = 0.25  # z: smallest noise band of the pre-rise level (a smooth index)


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


@dataclass(frozen=True)
class Cycle:
    """Timing (s from recording start) and kind of one S-P cycle.

    ``peak_height``, ``p_depth`` and ``p_level_s`` (the parasympathetic level at the
    peak) are in baseline z. ``p_onset_s`` and ``p_peak_s`` are ``None`` when there is
    no P-phase. ``recovered`` is False when the sympathetic
    index had not returned to baseline by ``end_s``.
    """

    kind: str
    s_onset_s: float
    peak_s: float
    peak_height: float
    p_onset_s: float | None
    p_peak_s: float | None
    p_depth: float | None
    p_level_s: float | None
    end_s: float
    recovered: bool
    markers: tuple[tuple[float, str], ...] = ()
    anchored_by: str | None = None

    @property
    def s_duration_s(self) -> float:
        """Time from S onset to peak, s."""
        return self.peak_s - self.s_onset_s

    @property
    def s_to_p_latency_s(self) -> float | None:
        """Time from the peak to the P onset, s (``None`` without a P-phase)."""
        return None if self.p_onset_s is None else self.p_onset_s - self.peak_s

    @property
    def time_to_recovery_s(self) -> float | None:
        """Time from the peak until the sympathetic index is back at baseline, s."""
        return self.end_s - self.peak_s if self.recovered else None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (the ``cycles`` entries of the report)."""
        return {
            "kind": self.kind,
            "s_onset_s": _r(self.s_onset_s),
            "peak_s": _r(self.peak_s),
            "p_onset_s": _r(self.p_onset_s),
            "p_peak_s": _r(self.p_peak_s),
            "end_s": _r(self.end_s),
            "peak_height": _r(self.peak_height, 2),
            "s_duration_s": _r(self.s_duration_s),
            "s_to_p_latency_s": _r(self.s_to_p_latency_s),
            "p_depth": _r(self.p_depth, 2),
            "p_level_at_peak": _r(self.p_level_s, 2),
            "time_to_recovery_s": _r(self.time_to_recovery_s),
            "recovered": self.recovered,
            "markers": [{"time_s": round(t, 1), "label": lab} for t, lab in self.markers],
            "anchored_by": self.anchored_by,
        }


def _recovery(
    t: np.ndarray,
    s: np.ndarray,
    p: np.ndarray | None,
    from_s: float,
    until_s: float,
    o: Options,
) -> tuple[float, bool]:
    """First time after ``from_s`` from which both indices stay near baseline long enough.

    Near baseline: sympathetic index <= ``recovery_level`` and, where it is known, the
    parasympathetic index within +-``recovery_level`` (the rebound has settled too).
    """
    idx = np.flatnonzero((t >= from_s) & (t <= until_s))
    if idx.size == 0:
        return until_s, False
    calm = np.where(np.isfinite(s[idx]), s[idx] <= o.recovery_level, False)
    if p is not None:
        pp = p[idx]
        calm &= np.where(np.isfinite(pp), np.abs(pp) <= o.recovery_level, True)
    need = max(round(o.recovery_hold_s / o.step_s), 1)
    run = 0
    for j, b in enumerate(calm):
        run = run + 1 if b else 0
        if run >= need:
            return float(t[idx[j - need + 1]]), True
    return until_s, False


def _s_onset(t: np.ndarray, st: np.ndarray, lo_s: float, peak_s: float, o: Options) -> float:
    """Break point of a flat-then-rising fit of the climb to the peak."""
    lo = max(lo_s, peak_s - _MAX_RISE_S)
    # start 2 min before the index was last at baseline level, so that a slow drift back
    # from an earlier dip (heart rate held low by a preceding vagal rebound) is not taken
    # for the start of the rise
    below = np.flatnonzero((t >= lo) & (t < peak_s) & (st <= _BASELINE_LEVEL))
    if below.size:
        lo = max(lo, float(t[below[-1]]) - _ONSET_LOOKBACK_S)
    # end at 85 % of the climb: smoothing rounds the top, which would tilt the line
    top = st[int(np.clip(np.searchsorted(t, peak_s), 0, len(t) - 1))]
    under = np.flatnonzero((t >= lo) & (t <= peak_s) & (st < _S_FIT_FRACTION * top))
    fit_hi = float(t[under[-1]]) + o.step_s if under.size else peak_s
    fit_hi = max(fit_hi, lo + 6 * o.step_s)
    onset = break_point(t, st, lo, fit_hi, lo, fit_hi - o.step_s, flat_before=True)
    if onset is None:
        return lo
    return _rise_start(t, st, lo, onset)


def _rise_start(t: np.ndarray, st: np.ndarray, lo: float, onset: float) -> float:
    """Move a break point back to where the index last lay in its pre-rise band.

    A flat-then-straight fit puts the break where the climb becomes steady; a rise that
    starts slowly (an accelerating, S-shaped or exponential climb) has already begun
    there. The pre-rise band is the median of the index before the break plus its noise
    (1.4826 MAD, at least ``_BAND_MIN_Z``); the onset is the last time at or before the
    break at which the index was inside it. A break already inside the band stays.
    """
    pre = (t >= lo) & (t <= onset) & np.isfinite(st)
    if pre.sum() < 4:
        return onset
    level = float(np.median(st[pre]))
    noise = max(1.4826 * float(np.median(np.abs(st[pre] - level))), _BAND_MIN_Z)
    inside = np.flatnonzero(pre & (st <= level + noise))
    return float(t[inside[-1]]) if inside.size else onset


def _p_onset(t: np.ndarray, pt: np.ndarray, peak_s: float, p_pk: float, o: Options) -> float:
    """Break point of the parasympathetic rise: from 30 s before the peak to the P peak.

    The piece after the break may curve (a rebound rises steeply, then levels off), so
    the levelling-off does not drag the break early; the piece before it may slope (the
    vagal withdrawal of the S-phase).
    """
    lo = peak_s - _P_PRE_S
    hi = max(p_pk, peak_s + 4 * o.step_s)
    k = break_point(
        t, pt, lo, hi, lo, hi - o.step_s, flat_before=False, curved_after=True
    )  # fmt: skip
    return peak_s if k is None else k


def time_cycle(
    t: np.ndarray,
    s: np.ndarray,
    p: np.ndarray | None,
    peak_i: int,
    lo_s: float,
    hi_s: float,
    o: Options,
    s_timing: np.ndarray | None = None,
    p_timing: np.ndarray | None = None,
) -> Cycle:
    """Time and classify the cycle whose sympathetic maximum is at grid index ``peak_i``.

    Parameters
    ----------
    t : numpy.ndarray
        Grid times, s.
    s, p : numpy.ndarray
        Smoothed sympathetic and parasympathetic indices (``p`` may be None).
    peak_i : int
        Grid index of the maximum of the episode.
    lo_s : float
        Earliest possible S onset (end of the previous cycle), s.
    hi_s : float
        Latest time this cycle may use (start of the next episode or session end), s.
    o : Options
        Thresholds.
    s_timing, p_timing : numpy.ndarray, optional
        Timing versions of the indices (see :mod:`lacrima.sp.indices`), used for the
        S onset and the P onset.

    Returns
    -------
    Cycle
    """
    st = s if s_timing is None else s_timing
    pt = p if p_timing is None else p_timing
    peak_s = float(t[peak_i])
    s_onset = _s_onset(t, st, lo_s, peak_s, o)
    kind, p_on, p_pk, depth, level = "undetermined", None, None, None, None
    after_s = peak_s
    if p is not None:
        end_w = min(peak_s + o.max_latency_s, hi_s)
        w = (t >= peak_s) & (t <= end_w) & np.isfinite(p)
        span = (t >= peak_s) & (t <= end_w)
        at_peak = (t >= peak_s - _P_PRE_S) & (t <= peak_s + o.step_s) & np.isfinite(p)
        if w.sum() >= max(0.5 * span.sum(), 3) and at_peak.any():
            level = float(np.median(p[at_peak]))
            # a release must hold: the level kept for 30 s, not a single spike
            held = _running_min(p, max(round(_HOLD_S / o.step_s), 1))
            hw = np.where(np.isfinite(held[w]), held[w], -np.inf)
            j = np.flatnonzero(w)[int(np.argmax(hw))]
            top = float(held[j])
            depth = top - level
            if np.isfinite(top) and depth >= o.release_rise and top >= o.release_level:
                kind = "complete"
                p_pk = float(t[j])
                p_on = _p_onset(t, p if pt is None else pt, peak_s, p_pk, o)
                after_s = p_pk
            else:
                kind = "unresolved"
    end, recovered = _recovery(t, s, p, after_s, hi_s, o)
    return Cycle(
        kind=kind,
        s_onset_s=float(s_onset),
        peak_s=float(peak_s),
        peak_height=float(s[peak_i]),
        p_onset_s=p_on,
        p_peak_s=p_pk,
        p_depth=depth,
        p_level_s=level,
        end_s=float(end),
        recovered=recovered,
    )


def _running_min(x: np.ndarray, w: int) -> np.ndarray:
    """Centred running minimum over ``w`` points (NaN where a window holds no value)."""
    if w <= 1:
        return x.copy()
    from scipy.ndimage import minimum_filter1d

    filled = np.where(np.isfinite(x), x, np.inf)
    out = minimum_filter1d(filled, size=w, mode="nearest")
    return np.where(np.isfinite(out), out, np.nan)
