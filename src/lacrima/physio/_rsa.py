"""Respiratory sinus arrhythmia, peak-to-trough, for :mod:`lacrima.physio.hrv`.

See the ``hrv`` module docstring and ``docs/decisions/0012-rsa-peak-to-trough-breathing-aware.md``.

References
----------
Grossman, P., van Beek, J. & Wientjes, C. Psychophysiology 27:702-714, 1990.
Task Force ESC/NASPE. Circulation 93:1043-1065, 1996 (HF band).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from lacrima.errors import SignalError
from lacrima.physio._validate import as_signal
from lacrima.physio.filters import bandpass

HF_BAND_HZ = (0.15, 0.40)
"""High-frequency band of the Task Force (1996), Hz."""

TACHO_FS_HZ = 4.0
"""Rate (Hz) at which the tachogram is resampled."""

_RSA_BAND_FACTORS = (0.6, 1.5)  # band around the breathing frequency, x f_resp
_RSA_BAND_STEP_HZ = 0.005  # breathing frequencies are rounded to this for filtering


class BreathCycles(Protocol):
    """Anything with per-breath onsets, peaks and periods (e.g. ``RespResult``)."""

    breath_onset_s: np.ndarray
    breath_peak_s: np.ndarray
    breath_period_s: np.ndarray


def rsa_breaths(
    t: np.ndarray,
    ibi: np.ndarray,
    valid: np.ndarray,
    breaths: BreathCycles,
    starts: np.ndarray,
    window: float,
) -> np.ndarray:
    """Grossman et al. (1990) peak-to-trough RSA per breath, averaged per window."""
    onset = as_signal(breaths.breath_onset_s, "breath_onset_s")
    peak = as_signal(breaths.breath_peak_s, "breath_peak_s")
    period = as_signal(breaths.breath_period_s, "breath_period_s")
    if not onset.size == peak.size == period.size:
        raise SignalError("breath_onset_s, breath_peak_s and breath_period_s differ in length")
    tv, iv = t[valid], ibi[valid]
    end = onset + period
    per_breath = np.full(onset.size, np.nan)
    if tv.size and onset.size:
        # Beats per phase: inspiration [onset, peak), expiration [peak, end).
        i0 = np.searchsorted(tv, onset)
        i1 = np.searchsorted(tv, peak)
        i2 = np.searchsorted(tv, end)
        scorable = (i1 > i0) & (i2 > i1)
        padded = np.append(iv, np.nan)
        for k in np.flatnonzero(scorable):
            shortest_insp = padded[i0[k] : i1[k]].min()
            longest_exp = padded[i1[k] : i2[k]].max()
            per_breath[k] = max(longest_exp - shortest_insp, 0.0)
    mid = onset + period / 2.0
    good = np.isfinite(per_breath)
    return window_mean(mid[good], per_breath[good], starts, window)


def resp_freq(
    rate_bpm: float | np.ndarray | None, rate_t_s: np.ndarray | None, centres: np.ndarray
) -> np.ndarray | None:
    """Breathing frequency (Hz) per window, or None for the plain HF band."""
    if rate_bpm is None:
        return None
    rate = np.atleast_1d(np.asarray(rate_bpm, dtype=np.float64))
    if rate.ndim != 1:
        raise SignalError("resp_rate_bpm must be a number or a 1-D array")
    if rate_t_s is not None:
        rt = as_signal(rate_t_s, "resp_rate_t_s")
        if rt.size != rate.size:
            raise SignalError("resp_rate_t_s and resp_rate_bpm differ in length")
        good = np.isfinite(rt) & np.isfinite(rate)
        if not good.any():
            return np.full(centres.size, np.nan)
        rate = np.interp(centres, rt[good], rate[good])
    elif rate.size == 1:
        rate = np.full(centres.size, rate[0])
    elif rate.size != centres.size:
        raise SignalError(
            f"resp_rate_bpm has {rate.size} values but there are {centres.size} windows; "
            "pass one value, one per window, or give resp_rate_t_s"
        )
    with np.errstate(invalid="ignore"):
        rate = np.where((rate >= 2.0) & (rate <= 60.0), rate, np.nan)
    return rate / 60.0


def rsa_filtered(
    grid_t: np.ndarray,
    tacho: np.ndarray,
    f_resp: np.ndarray | None,
    starts: np.ndarray,
    window: float,
) -> np.ndarray:
    """Mean peak-to-trough of the tachogram band-passed around the breathing rate."""
    m = starts.size
    out = np.full(m, np.nan)
    if f_resp is None:
        bands = {HF_BAND_HZ: np.ones(m, dtype=bool)}
    else:
        bands = {}
        rounded = np.round(f_resp / _RSA_BAND_STEP_HZ) * _RSA_BAND_STEP_HZ
        for f in np.unique(rounded[np.isfinite(rounded)]):
            lo = max(0.03, _RSA_BAND_FACTORS[0] * f)
            hi = min(0.45 * TACHO_FS_HZ, _RSA_BAND_FACTORS[1] * f)
            bands[(lo, hi)] = rounded == f
    if tacho.size < 8 or np.ptp(tacho) == 0:
        out[:] = 0.0 if tacho.size >= 8 else np.nan
        return out
    for (lo, hi), which in bands.items():
        y = bandpass(tacho, TACHO_FS_HZ, lo, hi, order=2)
        slope = np.diff(y)
        ext = np.flatnonzero(np.sign(slope[1:]) != np.sign(slope[:-1])) + 1
        if ext.size < 2:
            out[which] = 0.0
            continue
        swing = np.abs(np.diff(y[ext]))
        mid = 0.5 * (grid_t[ext[:-1]] + grid_t[ext[1:]])
        out[which] = window_mean(mid, swing, starts[which], window)
    return out


def window_mean(t: np.ndarray, values: np.ndarray, starts: np.ndarray, window: float) -> np.ndarray:
    """Mean of ``values`` at increasing times ``t`` per window (NaN where empty)."""
    lo = np.searchsorted(t, starts, side="left")
    hi = np.searchsorted(t, starts + window, side="left")
    c = np.concatenate(([0.0], np.cumsum(values)))
    count = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (c[hi] - c[lo]) / count, np.nan)
