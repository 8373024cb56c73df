"""Centred sliding-window statistics on the index time grid.

Every feature of the S-P model is a statistic over a window centred on a grid point
(``t_s``, s from recording start). Windows are symmetric so that smoothing does not
shift the timing of a change: a ramp that starts at ``t0`` still appears to start at
``t0`` to a piecewise-linear fit, only with rounded corners.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "event_rate",
    "grid_mean",
    "interval_stats",
    "make_grid",
    "moving_mean",
    "runs_of",
]

FINE_HZ = 4.0
"""Rate of the intermediate grid used for irregular series, Hz."""


def make_grid(duration_s: float, step_s: float) -> np.ndarray:
    """Window centres from ``step_s / 2`` to the end, spaced ``step_s`` apart."""
    n = max(int(np.floor(duration_s / step_s)), 1)
    return (np.arange(n) + 0.5) * step_s


def _box(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving sum of ``x`` over ``width`` samples (edges use what exists)."""
    c = np.concatenate([[0.0], np.cumsum(x)])
    n = len(x)
    half = width // 2
    lo = np.clip(np.arange(n) - half, 0, n)
    hi = np.clip(np.arange(n) + (width - half), 0, n)
    return c[hi] - c[lo]


def grid_mean(
    x: np.ndarray, step_s: float, width_s: float, *, keep_gaps: bool = False
) -> np.ndarray:
    """Centred NaN-aware moving mean of a series already on the grid.

    ``keep_gaps`` leaves NaN where ``x`` is NaN (a level is not invented across a
    dropout); otherwise a gap shorter than the window is bridged by its neighbours.
    """
    w = max(round(width_s / step_s), 1)
    if w <= 1:
        return x.copy()
    ok = np.isfinite(x)
    k = np.ones(w)
    num = np.convolve(np.where(ok, x, 0.0), k, mode="same")
    den = np.convolve(ok.astype(float), k, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return np.where(ok, out, np.nan) if keep_gaps else out


def moving_mean(
    t_src: np.ndarray,
    x_src: np.ndarray,
    grid: np.ndarray,
    width_s: float,
    max_gap_s: float = 4.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Centred moving mean of an irregular or regular series, sampled at ``grid``.

    Parameters
    ----------
    t_src, x_src : numpy.ndarray
        Sample times (s, increasing) and values; NaN values are gaps.
    grid : numpy.ndarray
        Window centres, s.
    width_s : float
        Window length, s.
    max_gap_s : float
        Source samples further apart than this are not interpolated across.

    Returns
    -------
    mean : numpy.ndarray
        Window means at ``grid`` (NaN where no valid data).
    coverage : numpy.ndarray
        Fraction 0..1 of each window covered by valid data.
    """
    mean = np.full(len(grid), np.nan)
    cover = np.zeros(len(grid))
    ok = np.isfinite(x_src) & np.isfinite(t_src)
    t, x = t_src[ok], x_src[ok]
    if len(t) < 2 or len(grid) == 0:
        return mean, cover
    t0 = grid[0] - width_s
    fine = np.arange(t0, grid[-1] + width_s, 1.0 / FINE_HZ)
    val = np.interp(fine, t, x)
    j = np.searchsorted(t, fine)
    left = t[np.clip(j - 1, 0, len(t) - 1)]
    right = t[np.clip(j, 0, len(t) - 1)]
    valid = (fine >= t[0]) & (fine <= t[-1]) & ((right - left) <= max_gap_s)
    # a sample exactly at a source time is valid even at the ends
    val = np.where(valid, val, 0.0)
    w = max(round(width_s * FINE_HZ), 1)
    s = _box(val, w)
    c = _box(valid.astype(float), w)
    idx = np.clip(np.round((grid - t0) * FINE_HZ).astype(np.int64), 0, len(fine) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(c[idx] > 0, s[idx] / np.maximum(c[idx], 1e-12), np.nan)
    cover = np.clip(c[idx] / w, 0.0, 1.0)
    return mean, cover


def event_rate(events_s: np.ndarray, grid: np.ndarray, width_s: float) -> np.ndarray:
    """Events per minute in a centred window of ``width_s`` at each grid point."""
    ev = np.sort(np.asarray(events_s, dtype=float))
    hi = np.searchsorted(ev, grid + width_s / 2.0, side="right")
    lo = np.searchsorted(ev, grid - width_s / 2.0, side="left")
    return (hi - lo) * 60.0 / width_s


def interval_stats(
    onsets_s: np.ndarray, periods_s: np.ndarray, grid: np.ndarray, width_s: float, min_n: int = 3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate and irregularity of a quasi-periodic event series (breaths) per window.

    Parameters
    ----------
    onsets_s, periods_s : numpy.ndarray
        Event times (s) and the interval that follows each (s).
    grid : numpy.ndarray
        Window centres, s.
    width_s : float
        Window length, s.
    min_n : int
        Fewest intervals a window needs; fewer give NaN.

    Returns
    -------
    rate_per_min : numpy.ndarray
        ``60 / mean(period)`` per window.
    cv : numpy.ndarray
        Coefficient of variation of the periods (irregularity, dimensionless).
    n : numpy.ndarray
        Number of intervals in each window.
    """
    on = np.asarray(onsets_s, dtype=float)
    per = np.asarray(periods_s, dtype=float)
    ok = np.isfinite(on) & np.isfinite(per) & (per > 0)
    on, per = on[ok], per[ok]
    order = np.argsort(on)
    on, per = on[order], per[order]
    c1 = np.concatenate([[0.0], np.cumsum(per)])
    c2 = np.concatenate([[0.0], np.cumsum(per * per)])
    hi = np.searchsorted(on, grid + width_s / 2.0, side="right")
    lo = np.searchsorted(on, grid - width_s / 2.0, side="left")
    n = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (c1[hi] - c1[lo]) / n
        var = np.maximum((c2[hi] - c2[lo]) / n - mean * mean, 0.0)
        rate = 60.0 / mean
        cv = np.sqrt(var) / mean
    bad = n < min_n
    rate[bad] = np.nan
    cv[bad] = np.nan
    return rate, cv, n


def runs_of(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` index pairs of the runs of True in a boolean array."""
    m = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    d = np.diff(m.astype(np.int8))
    starts = np.flatnonzero(d == 1)
    stops = np.flatnonzero(d == -1)
    return list(zip(starts.tolist(), stops.tolist(), strict=True))
