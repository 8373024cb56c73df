"""Pulse onsets in the PPG: beat timing at the foot of the pulse, with a plausibility check.

The systolic peak of a wrist PPG is broad and often split (a reflected wave, venous
and motion components), so where it is placed jitters from beat to beat by tens of
milliseconds or jumps between humps; the upstroke is the steepest and best-defined
part of the pulse. Beat-to-beat intervals for heart-rate variability are therefore
timed at the **pulse onset** by the intersecting-tangents method: the tangent at the
point of steepest upslope (maximum first derivative) meets the horizontal line through
the preceding minimum (Chiarugi et al. 2007; compared with other fiducial points by
Charlton et al. 2022, where the tangent intersection and the maximum upslope were among
the most stable on wrist PPG). Empatica's own E4 IBI series is timed at the same point
of the pulse.

Each pulse is then checked against its neighbours. A pulse is *implausible* when its
rise time (onset to systolic peak) or its amplitude (peak minus preceding minimum)
differs strongly from the running median of the surrounding 11 pulses: the upstroke of
the arterial pulse is set by left-ventricular ejection and changes only gradually from
beat to beat (Allen 2007), so an abrupt change in pulse shape means that motion or a
detection error, not the heart, shaped it. Intervals touching such a pulse are
treated as unknown (a gap), not interpolated, so that they neither add nor remove
beat-to-beat variability.

References
----------
Chiarugi, F. et al. "Continuous ECG and PPG monitoring: pulse transit time and arrival
time detection". Computers in Cardiology 34:149-152, 2007.
Charlton, P. H. et al. "Detecting beats in the photoplethysmogram: benchmarking
open-source algorithms". Physiol Meas 43:085007, 2022.
Allen, J. "Photoplethysmography and its application in clinical physiological
measurement". Physiol Meas 28:R1-R39, 2007.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import ndimage

from lacrima.errors import SignalError
from lacrima.physio._validate import check_positive
from lacrima.physio.filters import bandpass

__all__ = ["PulseOnsets", "pulse_onsets"]

_BAND_HZ = (0.5, 8.0)  # as the systolic-peak detector (Elgendi et al. 2013)
_MAX_RISE_S = 0.5  # longest upstroke looked at (systole lasts about 0.3 s)
_MIN_RISE_S = 0.04
_NEIGHBOURS = 11
_MAX_RISE_DEVIATION = 0.35  # fraction of the running median rise time
_AMPLITUDE_RANGE = (1.0 / 3.0, 3.0)  # times the running median amplitude


@dataclass(frozen=True, eq=False)
class PulseOnsets:
    """Pulse onsets (feet) of the PPG, one per systolic peak.

    Attributes
    ----------
    onset_s : numpy.ndarray
        Onset time of each pulse, s from the first sample (NaN where none was found).
    rise_s : numpy.ndarray
        Onset to systolic peak, s.
    amplitude : numpy.ndarray
        Systolic peak minus the preceding minimum, in the detection band (signal units).
    plausible : numpy.ndarray
        Boolean per pulse: onset found and shape consistent with its neighbours.
    """

    onset_s: np.ndarray
    rise_s: np.ndarray
    amplitude: np.ndarray
    plausible: np.ndarray


def pulse_onsets(signal: ArrayLike, fs: float, peaks: ArrayLike) -> PulseOnsets:
    """Time each pulse at its onset (intersecting tangents) and flag implausible pulses.

    Parameters
    ----------
    signal : array_like
        1-D PPG samples (any unit); NaN samples are bridged linearly.
    fs : float
        Sampling rate, Hz (>= 10).
    peaks : array_like of int
        Systolic-peak sample indices, increasing (e.g. from
        :func:`lacrima.physio.detect_beats` with ``kind="ppg"``).

    Returns
    -------
    PulseOnsets
        One entry per peak.

    Raises
    ------
    SignalError
        If ``signal`` is not 1-D, ``fs`` is not a positive rate of at least 10 Hz, or a
        peak lies outside the signal.

    References
    ----------
    Chiarugi et al. 2007 (intersecting tangents); Charlton et al. 2022; Allen 2007.

    Examples
    --------
    >>> import numpy as np
    >>> fs = 64.0
    >>> t = np.arange(0, 20, 1 / fs)
    >>> ph = (t % 0.8) / 0.8
    >>> x = np.where(ph < 0.2, np.sin(np.pi * ph / 0.4), np.cos(np.pi * (ph - 0.2) / 1.6))
    >>> peaks = np.flatnonzero((ph >= 0.2) & (ph < 0.2 + 1 / (0.8 * fs)))
    >>> res = pulse_onsets(x, fs, peaks)
    >>> bool(np.nanstd(np.diff(res.onset_s[res.plausible])) < 0.005)
    True
    """
    x = np.asarray(signal, dtype=np.float64)
    rate = check_positive("fs", fs)
    if x.ndim != 1:
        raise SignalError(f"signal must be 1-D; got shape {x.shape}")
    if rate < 10.0:
        raise SignalError(f"fs must be at least 10 Hz for the PPG; got {fs!r}")
    p = np.asarray(peaks, dtype=np.int64)
    n = p.size
    if n and (p.min() < 0 or p.max() >= x.size):
        raise SignalError("peaks must be sample indices inside the signal")
    nan = np.full(n, np.nan)
    if n == 0 or x.size < 8:
        return PulseOnsets(nan, nan.copy(), nan.copy(), np.zeros(n, dtype=bool))
    bad = ~np.isfinite(x)
    if bad.all():
        return PulseOnsets(nan, nan.copy(), nan.copy(), np.zeros(n, dtype=bool))
    if bad.any():
        idx = np.arange(x.size)
        x = np.interp(idx, idx[~bad], x[~bad])
    band = bandpass(x, rate, _BAND_HZ[0], min(_BAND_HZ[1], 0.45 * rate), order=2)
    # upright pulse: at the detected peaks the band is at a local maximum
    if np.median(band[p]) < 0:
        band = -band
    slope = np.gradient(band)
    onset, rise, amp = _tangent_onsets(band, slope, p, rate)
    plausible = _consistent(onset, rise, amp)
    return PulseOnsets(onset_s=onset, rise_s=rise, amplitude=amp, plausible=plausible)


def _tangent_onsets(
    band: np.ndarray, slope: np.ndarray, peaks: np.ndarray, fs: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Onset (s), rise time (s) and amplitude of each pulse."""
    n = peaks.size
    onset, rise, amp = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    look = max(round(_MAX_RISE_S * fs), 2)
    prev = -1
    for i, pk in enumerate(peaks.tolist()):
        lo = max(pk - look, prev + 1, 0)
        prev = pk
        if pk - lo < 2:
            continue
        m = lo + int(np.argmin(band[lo : pk + 1]))
        if pk - m < 2:
            continue
        u = m + int(np.argmax(slope[m : pk + 1]))
        s = slope[u]
        if s <= 0:
            continue
        # tangent at the steepest upslope meets the horizontal through the minimum
        foot = max(u - (band[u] - band[m]) / s, float(m))
        onset[i] = foot / fs
        rise[i] = (pk - foot) / fs
        amp[i] = band[pk] - band[m]
    return onset, rise, amp


def _consistent(onset: np.ndarray, rise: np.ndarray, amp: np.ndarray) -> np.ndarray:
    """Pulses whose rise time and amplitude agree with their 11 neighbours."""
    found = np.isfinite(onset) & (rise >= _MIN_RISE_S) & (amp > 0)
    if found.sum() < 3:
        return found
    med_rise = _running_median(rise, found)
    med_amp = _running_median(amp, found)
    with np.errstate(invalid="ignore", divide="ignore"):
        rise_ok = np.abs(rise - med_rise) <= _MAX_RISE_DEVIATION * med_rise
        ratio = amp / med_amp
    amp_ok = (ratio >= _AMPLITUDE_RANGE[0]) & (ratio <= _AMPLITUDE_RANGE[1])
    return found & rise_ok & amp_ok


def _running_median(v: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Running median of ``v`` over the found pulses, filled back to every pulse."""
    pos = np.flatnonzero(ok)
    med = ndimage.median_filter(v[pos], size=min(_NEIGHBOURS, pos.size | 1), mode="nearest")
    out = np.full(v.size, np.nan)
    out[pos] = med
    return out
