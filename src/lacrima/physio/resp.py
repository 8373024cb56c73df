"""Respiration: breath cycles, breathing rate and breathing irregularity.

:func:`process_resp` takes any respiration trace in which inhalation moves the signal
one way (a chest or abdominal belt, a thermistor, impedance pneumography; upwards =
inhalation) and returns one row per breath plus windowed rate and irregularity.

Method
------
1. Anti-aliased resampling to :data:`RESP_FS_HZ` (10 Hz), then a zero-phase band-pass
   of 0.05-1 Hz (3-60 breaths per minute), which centres the trace on zero.
2. Zero crossings of the band-passed trace split it into half-cycles; the maximum
   between an upward and the next downward crossing is an inhalation peak, the minimum
   between a downward and an upward crossing a trough (Khodadad et al. 2018).
3. Amplitude check (Schäfer & Kratky 2008, "count-adv"; Khodadad et al. 2018): the
   neighbouring peak/trough pair with the smallest vertical distance is merged away
   while that distance is below 0.3 x the median distance of the surrounding two
   minutes, so small ripples do not count as breaths but slow changes of belt tension
   do not remove real ones.
4. A breath runs from one trough (inhalation onset) to the next; its period is the
   trough-to-trough time and its amplitude the peak minus the mean of its two troughs
   (signal units).
5. In sliding windows: rate = 60 / mean period of the breaths whose midpoint falls in
   the window; irregularity = the mean of the coefficients of variation of breath
   period and breath amplitude in the window. Respiratory variability is commonly
   expressed as such CVs (Vlemincx et al. 2013). Calm breathing gives values near 0.1;
   fragmented, sobbing breathing (uneven gasps of mixed size) gives clearly higher
   values. The measure is descriptive and has no clinical cut-off.

References
----------
Khodadad, D. et al. "Optimized breath detection algorithm in electrical impedance
tomography." Physiol Meas 39:094001, 2018.
Schäfer, A. & Kratky, K. W. "Estimation of breathing rate from respiratory sinus
arrhythmia: comparison of various methods." Ann Biomed Eng 36:476-485, 2008.
Vlemincx, E. et al. "Respiratory variability and sighing: a psychophysiological reset
model." Biol Psychol 93:24-32, 2013.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter

from lacrima.errors import SignalError
from lacrima.physio._common import (
    block_mean,
    empty,
    frozen,
    sliding_windows,
    to_rate,
)
from lacrima.physio._validate import as_signal, check_fs, check_positive
from lacrima.physio.filters import bandpass, interpolate_nans

__all__ = ["RESP_FS_HZ", "RespResult", "process_resp"]

logger = logging.getLogger(__name__)

RESP_FS_HZ = 10.0
"""Internal rate (Hz) at which breaths are detected."""

_BAND_HZ = (0.05, 1.0)
_AMPLITUDE_FRACTION = 0.3  # Schäfer & Kratky 2008; Khodadad et al. 2018
_REFERENCE_S = 120.0
_QUALITY_WINDOW_S = 10.0
_FLAT_BLOCK_S = 2.0
_MAX_GAP_S = 2.0


@dataclass(frozen=True, eq=False)
class RespResult:
    """Breath cycles and windowed breathing measures; times in s from the first sample.

    Attributes
    ----------
    breath_onset_s, breath_peak_s : numpy.ndarray
        Inhalation onset (trough) and end-of-inhalation peak of each breath, s.
    breath_period_s : numpy.ndarray
        Onset-to-next-onset time of each breath, s.
    breath_amplitude : numpy.ndarray
        Peak minus the mean of the breath's two troughs, in input units.
    rate_t_s : numpy.ndarray
        Window centres, s; ``rate_bpm``, ``irregularity``, ``period_cv`` and
        ``amplitude_cv`` are on this grid.
    rate_bpm : numpy.ndarray
        Breathing rate, breaths per minute (NaN where no breath falls in the window).
    irregularity : numpy.ndarray
        Mean of ``period_cv`` and ``amplitude_cv`` (dimensionless, 0 = regular).
    period_cv, amplitude_cv : numpy.ndarray
        Coefficient of variation of breath period and of breath amplitude per window.
    quality_t_s, quality : numpy.ndarray
        Centres (s) of consecutive 10-s blocks and the fraction (0..1) of samples in
        each that are present and not flat.
    window_s : float
        Window length behind ``rate_bpm`` and ``irregularity``, s.
    """

    breath_onset_s: np.ndarray
    breath_peak_s: np.ndarray
    breath_period_s: np.ndarray
    breath_amplitude: np.ndarray
    rate_t_s: np.ndarray
    rate_bpm: np.ndarray
    irregularity: np.ndarray
    period_cv: np.ndarray
    amplitude_cv: np.ndarray
    quality_t_s: np.ndarray
    quality: np.ndarray
    window_s: float = 30.0

    @property
    def n_breaths(self) -> int:
        """Number of complete breaths."""
        return int(self.breath_onset_s.size)


def process_resp(
    signal: np.ndarray, fs: float, *, window_s: float = 30.0, step_s: float = 5.0
) -> RespResult:
    """Find breath cycles and compute breathing rate and irregularity over time.

    Parameters
    ----------
    signal : numpy.ndarray
        Respiration trace (any unit, inhalation upwards), 1-D, NaN where missing.
    fs : float
        Sampling rate in Hz, at least 2 Hz.
    window_s : float
        Length of the sliding windows for rate and irregularity, s.
    step_s : float
        Step between windows, s.

    Returns
    -------
    RespResult
        Per-breath arrays, windowed rate and irregularity, and per-block quality. A
        flat or all-NaN input gives empty arrays with quality 0 in every block.

    Raises
    ------
    SignalError
        If ``fs`` < 2 Hz, a window parameter is not positive, or the input is not 1-D.

    References
    ----------
    Khodadad et al. 2018; Schäfer & Kratky 2008; Vlemincx et al. 2013 (full entries in
    the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 120, 1 / 25)
    >>> res = process_resp(np.sin(2 * np.pi * 0.25 * t), fs=25)
    >>> round(float(np.nanmedian(res.rate_bpm)), 1)
    15.0
    """
    fs = check_fs(fs)
    if fs < 2.0:
        raise SignalError(f"fs must be at least 2 Hz for respiration; got {fs!r}")
    window = check_positive("window_s", window_s)
    step = check_positive("step_s", step_s)
    x = as_signal(signal)
    rate = RESP_FS_HZ
    if _is_flat(x):
        n_out = math.ceil(x.size * rate / fs)
        quality_t_s, _ = block_mean(np.zeros(n_out), rate, _QUALITY_WINDOW_S)
        logger.info("respiration is flat or missing throughout; returning an empty result")
        return _empty_result(quality_t_s, window)

    r = to_rate(x, fs, rate)
    n = r.size
    finite = np.isfinite(r)
    valid = finite & ~_flat_blocks(r, rate)
    quality_t_s, quality = block_mean(valid.astype(np.float64), rate, _QUALITY_WINDOW_S)
    if valid.sum() < 2 * rate:
        logger.info("respiration is flat or missing throughout; returning an empty result")
        return _empty_result(quality_t_s, window)

    filled = interpolate_nans(r)
    filled[~valid] = np.nan
    filled = interpolate_nans(filled)
    hi = min(_BAND_HZ[1], 0.45 * rate)
    band = bandpass(filled, rate, _BAND_HZ[0], hi, order=2)
    troughs, peaks = _breath_extrema(band, rate)
    # A breath is trough -> peak -> trough, all inside valid data, with no long gap.
    onset_i, peak_i, end_i = troughs[:-1], peaks, troughs[1:]
    cum_bad = np.concatenate(([0], np.cumsum(~valid)))
    ok = (cum_bad[end_i + 1] - cum_bad[onset_i]) < _MAX_GAP_S * rate
    onset_i, peak_i, end_i = onset_i[ok], peak_i[ok], end_i[ok]
    onset_s = _refine(band, onset_i) / rate
    end_s = _refine(band, end_i) / rate
    peak_s = _refine(band, peak_i) / rate
    period_s = end_s - onset_s
    amplitude = band[peak_i] - 0.5 * (band[onset_i] + band[end_i])

    starts = sliding_windows(n / rate, window, step)
    rate_bpm, period_cv, amplitude_cv = _windowed(
        onset_s + period_s / 2, period_s, amplitude, starts, window
    )
    return RespResult(
        breath_onset_s=frozen(onset_s),
        breath_peak_s=frozen(peak_s),
        breath_period_s=frozen(period_s),
        breath_amplitude=frozen(amplitude),
        rate_t_s=frozen(starts + window / 2),
        rate_bpm=frozen(rate_bpm),
        irregularity=frozen(0.5 * (period_cv + amplitude_cv)),
        period_cv=frozen(period_cv),
        amplitude_cv=frozen(amplitude_cv),
        quality_t_s=frozen(quality_t_s),
        quality=frozen(quality),
        window_s=window,
    )


def _refine(y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Sub-sample position of the extrema at ``idx`` by parabolic interpolation."""
    pos = idx.astype(np.float64)
    inner = (idx > 0) & (idx < y.size - 1)
    i = idx[inner]
    left, mid, right = y[i - 1], y[i], y[i + 1]
    denom = left - 2.0 * mid + right
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(denom != 0, 0.5 * (left - right) / denom, 0.0)
    pos[inner] += np.clip(shift, -0.5, 0.5)
    return pos


def _is_flat(x: np.ndarray) -> bool:
    """True if fewer than two samples are finite or all are equal up to rounding."""
    finite = x[np.isfinite(x)]
    if finite.size < 2:
        return True
    spread = float(np.ptp(finite))
    return spread == 0.0 or spread <= 1e-9 * float(np.max(np.abs(finite)))


def _flat_blocks(r: np.ndarray, rate: float) -> np.ndarray:
    """Samples in 2-s blocks whose spread is negligible against the whole trace."""
    n = r.size
    size = max(2, round(_FLAT_BLOCK_S * rate))
    finite = np.isfinite(r)
    if finite.sum() < 2:
        return np.ones(n, dtype=bool)
    scale = float(np.ptp(r[finite]))
    if _is_flat(r):
        return np.ones(n, dtype=bool)
    flat = np.zeros(n, dtype=bool)
    n_full = n // size * size
    if n_full:
        blocks = r[:n_full].reshape(-1, size)
        ok = finite[:n_full].reshape(-1, size)
        spread = np.where(ok, blocks, -np.inf).max(axis=1) - np.where(ok, blocks, np.inf).min(
            axis=1
        )
        # Blocks with no finite sample give -inf and count as flat (they are invalid anyway).
        flat[:n_full] = np.repeat(~(spread > 1e-6 * scale), size)
    return flat


def _breath_extrema(band: np.ndarray, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Alternating trough/peak indices (starting and ending with a trough)."""
    positive = band > 0
    # Half-cycles between zero crossings; the first and last are cut by the record's
    # edges and hold no true extremum, so they are left out.
    bounds = np.flatnonzero(positive[1:] != positive[:-1]) + 1
    if bounds.size < 3:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    seg_start, seg_stop = bounds[:-1], bounds[1:]
    is_peak = positive[seg_start]
    ext = np.fromiter(
        (
            a + int(np.argmax(band[a:b]) if up else np.argmin(band[a:b]))
            for a, b, up in zip(seg_start, seg_stop, is_peak, strict=True)
        ),
        dtype=np.int64,
        count=seg_start.size,
    )
    ext, is_peak = _drop_small(band, ext, is_peak, rate)
    # Start and end on a trough.
    if is_peak.size and is_peak[0]:
        ext, is_peak = ext[1:], is_peak[1:]
    if is_peak.size and is_peak[-1]:
        ext, is_peak = ext[:-1], is_peak[:-1]
    return ext[~is_peak], ext[is_peak]


def _drop_small(
    band: np.ndarray, ext: np.ndarray, is_peak: np.ndarray, rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Merge away peak/trough pairs smaller than 0.3 x the local median distance.

    Removing the pair with the smallest vertical distance keeps the sequence
    alternating and keeps the more extreme of two neighbouring peaks (or troughs).
    """
    if ext.size < 4:
        return ext, is_peak
    dist = np.abs(np.diff(band[ext]))
    # Local reference from the initial extrema: the median over about two minutes.
    half_cycle = max(float(np.median(np.diff(ext))), 1.0)
    size = max(3, int(_REFERENCE_S * rate / half_cycle)) | 1
    ref = median_filter(dist, size=size, mode="nearest")
    ref_pos = ext[:-1]
    e = ext.copy()
    p = is_peak.copy()
    while e.size >= 4:
        d = np.abs(np.diff(band[e]))
        thr = _AMPLITUDE_FRACTION * ref[np.minimum(np.searchsorted(ref_pos, e[:-1]), ref.size - 1)]
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(thr > 0, d / thr, np.inf)
        k = int(np.argmin(rel))
        if not rel[k] < 1.0:
            break
        if k == 0:
            drop = [0]
        elif k + 1 == e.size - 1:
            drop = [e.size - 1]
        else:
            drop = [k, k + 1]
        e = np.delete(e, drop)
        p = np.delete(p, drop)
    return e, p


def _windowed(
    mid_s: np.ndarray,
    period_s: np.ndarray,
    amplitude: np.ndarray,
    starts: np.ndarray,
    window: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate (bpm) and CVs of period and amplitude per window, from cumulative sums."""
    m = starts.size
    if m == 0 or mid_s.size == 0:
        nan = np.full(m, np.nan)
        return nan, nan.copy(), nan.copy()
    lo = np.searchsorted(mid_s, starts, side="left")
    hi = np.searchsorted(mid_s, starts + window, side="left")
    count = (hi - lo).astype(np.float64)

    def _moments(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c1 = np.concatenate(([0.0], np.cumsum(v)))
        c2 = np.concatenate(([0.0], np.cumsum(v * v)))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (c1[hi] - c1[lo]) / count
            var = (c2[hi] - c2[lo]) / count - mean**2
        return mean, np.sqrt(np.maximum(var, 0.0))

    mp, sp = _moments(period_s)
    ma, sa = _moments(amplitude)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_bpm = np.where(count >= 1, 60.0 / mp, np.nan)
        period_cv = np.where(count >= 2, sp / mp, np.nan)
        amplitude_cv = np.where(count >= 2, sa / np.abs(ma), np.nan)
    return rate_bpm, period_cv, amplitude_cv


def _empty_result(quality_t_s: np.ndarray, window: float) -> RespResult:
    return RespResult(
        breath_onset_s=empty(),
        breath_peak_s=empty(),
        breath_period_s=empty(),
        breath_amplitude=empty(),
        rate_t_s=empty(),
        rate_bpm=empty(),
        irregularity=empty(),
        period_cv=empty(),
        amplitude_cv=empty(),
        quality_t_s=frozen(quality_t_s),
        quality=frozen(np.zeros(quality_t_s.size)),
        window_s=window,
    )
