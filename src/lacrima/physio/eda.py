"""Electrodermal activity: cleaning, tonic/phasic decomposition, skin-conductance responses.

EDA is driven by the sympathetic branch alone (Boucsein 2012), which makes it the
S-phase channel of the S-P model. :func:`process_eda` works the same way for a 4 Hz
wrist sensor (Empatica E4) and a 700 Hz+ laboratory amplifier: the signal is brought to
a common rate of 8 Hz first (polyphase anti-aliasing), so everything after that costs
the same whatever the input rate.

Pipeline
--------
1. *Rate*: anti-aliased resampling to :data:`EDA_FS_HZ` (8 Hz).
2. *Quality* (Kleckner et al. 2018): a sample is invalid if missing, outside
   0.05-60 µS, on a slope steeper than 10 µS/s, or in a flat stretch (a stuck sensor,
   >= 10 s without any change); samples within 5 s of invalid ones are invalid too.
   Quality per 10-s block is the fraction of valid samples.
3. *Cleaning*: zero-phase Butterworth low-pass at 1.5 Hz (SCRs rise over >= 0.5 s).
4. *Tonic*: asymmetric least-squares smoothing (Eilers & Boelens 2005), a convex
   penalised fit that follows the lower envelope of the signal, i.e. the level between
   responses; phasic = clean - tonic (>= 0 up to noise). See
   ``docs/decisions/0011-eda-tonic-by-asymmetric-least-squares.md``.
5. *SCRs*: trough-to-peak scoring (Boucsein 2012; Society for Psychophysiological
   Research 2012). Rises are looked for in the phasic part, so a rising tonic level
   cut up by noise does not count; the onset moves forward to where the slope first
   exceeds 5 % of its maximum; rises longer than ``max_rise_s`` are tonic changes; the
   amplitude is scored on the clean signal (peak minus onset level) and kept if it is
   at least ``min_amplitude_us`` and the data are valid throughout the rise.

Overlapping responses (a second SCR starting on the rise of the first) are scored as
one; deconvolution methods separate them better (Benedek & Kaernbach 2010).

References
----------
Boucsein, W. *Electrodermal Activity*, 2nd ed. Springer, 2012.
Society for Psychophysiological Research Ad Hoc Committee on Electrodermal Measures.
"Publication recommendations for electrodermal measurements." Psychophysiology
49:1017-1034, 2012.
Eilers, P. H. C. & Boelens, H. F. M. "Baseline correction with asymmetric least
squares smoothing." Leiden University Medical Centre report, 2005.
Kleckner, I. R. et al. "Simple, transparent, and flexible automated quality assessment
procedures for ambulatory electrodermal activity data." IEEE Trans Biomed Eng
65:1460-1467, 2018.
Benedek, M. & Kaernbach, C. "A continuous measure of phasic electrodermal activity."
J Neurosci Methods 190:80-91, 2010.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solveh_banded

from lacrima.errors import SignalError
from lacrima.physio._common import (
    block_mean,
    block_starts,
    dilate,
    empty,
    frozen,
    runs,
    to_rate,
)
from lacrima.physio._validate import as_signal, check_fs, check_positive
from lacrima.physio.filters import interpolate_nans, lowpass

__all__ = ["EDA_FS_HZ", "EdaResult", "decompose_eda", "process_eda"]

logger = logging.getLogger(__name__)

EDA_FS_HZ = 8.0
"""The common rate (Hz) of every EDA output series."""

_RANGE_US = (0.05, 60.0)  # Kleckner et al. 2018
_MAX_SLOPE_US_S = 10.0  # Kleckner et al. 2018
_TRANSITION_S = 5.0  # Kleckner et al. 2018
_FLAT_S = 10.0
_FLAT_STEP_US = 1e-6
_CLEAN_CUTOFF_HZ = 1.5
_QUALITY_WINDOW_S = 10.0
_ONSET_SLOPE_FRACTION = 0.05
_TONIC_CUTOFF_HZ = 0.02  # tonic changes slower than one cycle per 50 s
_TONIC_FS_HZ = 2.0
_ALS_ASYMMETRY = 0.02
_ALS_ITERATIONS = 12


@dataclass(frozen=True, eq=False)
class EdaResult:
    """Electrodermal activity, at :data:`EDA_FS_HZ`, times in s from the first sample.

    Attributes
    ----------
    t_s : numpy.ndarray
        Sample times of the series below, s.
    clean_us : numpy.ndarray
        Low-passed skin conductance, µS (NaN where the input was missing).
    tonic_us : numpy.ndarray
        Skin-conductance level (SCL), µS; bridged over gaps.
    phasic_us : numpy.ndarray
        ``clean_us - tonic_us``, µS.
    scr_onset_s, scr_peak_s : numpy.ndarray
        Onset (trough) and peak times of each skin-conductance response, s.
    scr_amplitude_us : numpy.ndarray
        Trough-to-peak amplitude of each response, µS.
    quality_t_s, quality : numpy.ndarray
        Centres (s) of consecutive 10-s blocks and the fraction (0..1) of valid samples
        in each.
    fs_hz : float
        Rate of ``t_s`` (Hz).
    """

    t_s: np.ndarray
    clean_us: np.ndarray
    tonic_us: np.ndarray
    phasic_us: np.ndarray
    scr_onset_s: np.ndarray
    scr_peak_s: np.ndarray
    scr_amplitude_us: np.ndarray
    quality_t_s: np.ndarray
    quality: np.ndarray
    fs_hz: float = EDA_FS_HZ

    @property
    def n_scr(self) -> int:
        """Number of skin-conductance responses."""
        return int(self.scr_onset_s.size)


def process_eda(
    signal: np.ndarray,
    fs: float,
    min_amplitude_us: float = 0.01,
    *,
    max_rise_s: float = 10.0,
) -> EdaResult:
    """Clean EDA, split it into tonic and phasic parts and find the SCRs.

    Parameters
    ----------
    signal : numpy.ndarray
        Skin conductance in µS, 1-D, NaN where missing.
    fs : float
        Sampling rate in Hz, at least 1 Hz (4 Hz wrist sensors and 700 Hz+ lab
        amplifiers alike).
    min_amplitude_us : float
        Smallest trough-to-peak amplitude counted as an SCR, µS (0.01 µS is the usual
        minimum, Boucsein 2012).
    max_rise_s : float
        Longest onset-to-peak rise still counted as an SCR, s; longer rises are tonic.

    Returns
    -------
    EdaResult
        Series at 8 Hz, the SCRs and per-block quality. A flat or all-NaN input gives
        empty series and SCRs with quality 0 in every block.

    Raises
    ------
    SignalError
        If ``fs`` < 1 Hz, a parameter is not a positive number, or the input is not 1-D.

    References
    ----------
    Boucsein 2012; SPR 2012 (trough-to-peak SCR scoring); Eilers & Boelens 2005
    (asymmetric least squares); Kleckner et al. 2018 (quality rules). Full entries in
    the module docstring.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 60, 1 / 4)  # one minute at 4 Hz, one response at 20 s
    >>> rise = np.clip((t - 20) / 2, 0, 1)
    >>> sc = 2 + 0.001 * t + 0.3 * rise * np.exp(-np.clip(t - 22, 0, None) / 4)
    >>> res = process_eda(sc, fs=4)
    >>> res.n_scr, float(res.scr_onset_s[0]), round(float(res.scr_amplitude_us[0]), 2)
    (1, 19.875, 0.3)
    """
    fs = check_fs(fs)
    if fs < 1.0:
        raise SignalError(f"fs must be at least 1 Hz for EDA; got {fs!r}")
    min_amp = check_positive("min_amplitude_us", min_amplitude_us)
    max_rise = check_positive("max_rise_s", max_rise_s)
    x = as_signal(signal)

    sc = to_rate(x, fs, EDA_FS_HZ)
    n = sc.size
    finite = np.isfinite(sc)
    if finite.sum() < 2 or np.ptp(sc[finite]) <= _FLAT_STEP_US:
        logger.info("EDA is flat or missing throughout; returning an empty result")
        return _empty_result(n)

    valid = _valid_samples(sc, finite)
    quality_t_s, quality = block_mean(valid.astype(np.float64), EDA_FS_HZ, _QUALITY_WINDOW_S)
    if quality.mean() < 0.5:
        logger.warning("EDA quality is low: %.0f %% of samples valid", 100 * quality.mean())

    filled = interpolate_nans(sc)
    clean = lowpass(filled, EDA_FS_HZ, _CLEAN_CUTOFF_HZ)
    # Invalid samples (artefacts, out of range) do not pull the tonic level.
    prior = valid if valid.sum() >= 2 else finite
    # The tonic level changes far slower than 1 Hz: fit it at 2 Hz and interpolate.
    step = round(EDA_FS_HZ / _TONIC_FS_HZ)
    coarse = decompose_eda(clean[::step], _TONIC_FS_HZ, weights=prior[::step].astype(np.float64))
    t_s = np.arange(n) / EDA_FS_HZ
    tonic = np.interp(t_s, t_s[::step], coarse)
    onset, peak, amp = _find_scrs(clean, clean - tonic, valid, min_amp, max_rise)
    clean[~finite] = np.nan
    return EdaResult(
        t_s=frozen(t_s),
        clean_us=frozen(clean),
        tonic_us=frozen(tonic),
        phasic_us=frozen(clean - tonic),
        scr_onset_s=frozen(onset / EDA_FS_HZ),
        scr_peak_s=frozen(peak / EDA_FS_HZ),
        scr_amplitude_us=frozen(amp),
        quality_t_s=frozen(quality_t_s),
        quality=frozen(quality),
    )


def decompose_eda(
    clean_us: np.ndarray,
    fs: float,
    *,
    cutoff_hz: float = _TONIC_CUTOFF_HZ,
    asymmetry: float = _ALS_ASYMMETRY,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Tonic skin-conductance level by asymmetric least-squares smoothing.

    Minimises ``sum(w_i * (y_i - z_i)**2) + lam * sum((second difference of z)**2)``
    with ``w_i = asymmetry`` where the signal lies above the fit and ``1 - asymmetry``
    below, re-weighting until the weights settle; the fit follows the lower envelope,
    i.e. the level between responses.

    Parameters
    ----------
    clean_us : numpy.ndarray
        Cleaned skin conductance, µS, without NaN.
    fs : float
        Its sampling rate, Hz.
    cutoff_hz : float
        Frequency (Hz) at which the smoother's gain is 1/2; ``lam`` follows from it.
    asymmetry : float
        Weight of points above the fit, between 0 and 0.5.
    weights : numpy.ndarray, optional
        Prior weights (0 to ignore a sample, e.g. a bridged gap).

    Returns
    -------
    numpy.ndarray
        Tonic level, µS, same length as the input.

    Raises
    ------
    SignalError
        If ``asymmetry`` or ``cutoff_hz`` is out of range.

    References
    ----------
    Eilers, P. H. C. & Boelens, H. F. M. "Baseline correction with asymmetric least
    squares smoothing." Leiden University Medical Centre report, 2005.
    """
    fs = check_fs(fs)
    if not 0 < asymmetry < 0.5:
        raise SignalError(f"asymmetry must lie between 0 and 0.5; got {asymmetry!r}")
    fc = check_positive("cutoff_hz", cutoff_hz)
    if fc >= fs / 2:
        raise SignalError(f"cutoff_hz must be below fs / 2 = {fs / 2:g} Hz; got {cutoff_hz!r}")
    y = as_signal(clean_us)
    n = y.size
    prior = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if n < 4 or np.count_nonzero(prior) < 2:
        return y.copy()
    # Whittaker smoother with second differences: gain 1 / (1 + lam * (2 - 2 cos w)^2),
    # which is 1/2 at w = 2 pi fc / fs.
    omega = 2.0 * math.pi * fc / fs
    lam = 1.0 / (2.0 - 2.0 * math.cos(omega)) ** 2
    band = np.zeros((3, n))
    band[0, 2:] = lam
    band[1, 1:] = -4.0 * lam
    band[1, 1] = band[1, -1] = -2.0 * lam
    main = np.full(n, 6.0 * lam)
    main[0] = main[-1] = lam
    main[1] = main[-2] = 5.0 * lam
    w = prior.copy()
    z = y
    for _ in range(_ALS_ITERATIONS):
        band[2] = main + w
        z = solveh_banded(band, w * y, check_finite=False)
        new_w = prior * np.where(y > z, asymmetry, 1.0 - asymmetry)
        if np.array_equal(new_w, w):
            break
        w = new_w
    return z


def _valid_samples(sc: np.ndarray, finite: np.ndarray) -> np.ndarray:
    """Kleckner et al. (2018) validity per sample at the EDA rate, plus flat stretches."""
    with np.errstate(invalid="ignore"):
        in_range = (sc >= _RANGE_US[0]) & (sc <= _RANGE_US[1])
        step = np.abs(np.diff(sc, prepend=sc[0]))
    steep = step * EDA_FS_HZ > _MAX_SLOPE_US_S
    still = step < _FLAT_STEP_US
    flat = np.zeros_like(finite)
    starts, stops = runs(still & finite)
    min_len = round(_FLAT_S * EDA_FS_HZ)
    for a, b in zip(starts, stops, strict=True):
        if b - a >= min_len:
            flat[max(a - 1, 0) : b] = True
    invalid = ~finite | ~in_range | steep | flat
    return ~dilate(invalid, round(_TRANSITION_S * EDA_FS_HZ))


def _find_scrs(
    clean: np.ndarray,
    phasic: np.ndarray,
    valid: np.ndarray,
    min_amp: float,
    max_rise_s: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trough-to-peak SCR scoring (sample indices, µS).

    Rises are looked for in the phasic part, so that a rising tonic level split by noise
    does not pass for responses; the amplitude is scored on the clean signal, as the
    trough-to-peak definition has it (Boucsein 2012).
    """
    slope = np.diff(phasic)
    start, stop = runs(slope > 0)  # phasic rises from index start to index stop
    if start.size == 0:
        return np.empty(0), np.empty(0), np.empty(0)
    # Merge rises separated by a dip too small to be a new response (noise on the rise).
    tol = 0.25 * min_amp
    merged_start, merged_stop = [int(start[0])], [int(stop[0])]
    for a, b in zip(start[1:], stop[1:], strict=True):
        top = phasic[merged_stop[-1]]
        if top - phasic[a] < tol and phasic[b] > top:
            merged_stop[-1] = int(b)
        else:
            merged_start.append(int(a))
            merged_stop.append(int(b))
    trough = np.asarray(merged_start)
    peak = np.asarray(merged_stop)
    # Quick amplitude screen before the per-response work.
    keep = (phasic[peak] - phasic[trough] >= min_amp) & (clean[peak] - clean[trough] >= min_amp)
    trough, peak = trough[keep], peak[keep]
    onsets, peaks, amps = [], [], []
    cum_invalid = np.concatenate(([0], np.cumsum(~valid)))
    max_rise = max_rise_s * EDA_FS_HZ
    for a, b in zip(trough, peak, strict=True):
        seg = slope[a:b]
        m = int(np.argmax(seg))
        below = np.flatnonzero(seg[:m] < _ONSET_SLOPE_FRACTION * seg[m])
        onset = a + (int(below[-1]) + 1 if below.size else 0)
        amp = clean[b] - clean[onset]
        if amp < min_amp or b - onset > max_rise:
            continue
        if cum_invalid[b + 1] - cum_invalid[onset] > 0:
            continue
        onsets.append(onset)
        peaks.append(b)
        amps.append(amp)
    return (
        np.asarray(onsets, dtype=np.float64),
        np.asarray(peaks, dtype=np.float64),
        np.asarray(amps, dtype=np.float64),
    )


def _empty_result(n_samples: int) -> EdaResult:
    starts = block_starts(n_samples, EDA_FS_HZ, _QUALITY_WINDOW_S)
    counts = np.diff(np.append(starts, n_samples))
    centres = (starts + counts / 2.0) / EDA_FS_HZ
    return EdaResult(
        t_s=empty(),
        clean_us=empty(),
        tonic_us=empty(),
        phasic_us=empty(),
        scr_onset_s=empty(),
        scr_peak_s=empty(),
        scr_amplitude_us=empty(),
        quality_t_s=frozen(centres),
        quality=frozen(np.zeros(centres.size)),
    )
