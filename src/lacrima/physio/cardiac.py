"""Cardiac signal processing: beats, inter-beat intervals and signal quality.

:func:`process_cardiac` runs the whole chain on one ECG or PPG channel:
:func:`~lacrima.physio.beats.detect_beats`, interval classification and correction
(:func:`~lacrima.physio.ibi.correct_ibi`) and a windowed signal-quality index
(:func:`cardiac_quality`).

Signal-quality index
--------------------
After Orphanidou et al. (2015), per 10 s window (5 s steps):

1. feasibility rules: the heart rate lies in 40-180 bpm, no interval (including the
   stretches from the window's start to its first beat and from its last beat to the
   end) exceeds 3 s, and the longest over the shortest interval is at most 2.2;
2. template matching: each beat (a segment of 0.8 median intervals centred on it, in the
   detection-band signal) is correlated with the mean of all beats in the window.

The quality is 0 when a feasibility rule fails, else the mean correlation (negative
correlations count as 0), in 0..1; it is then scaled by the share of samples in the
window that are not missing (NaN), so a window half lost to a dropout scores at most
0.5. Orphanidou et al. accept a window when the mean correlation is at least 0.66 for
the ECG and 0.86 for the PPG (:data:`ACCEPTABLE_QUALITY`). Frequent ectopic beats lower
the index on purpose: such windows are less reliable for heart-rate variability.

References
----------
Orphanidou, C., Bonnici, T., Charlton, P., Clifton, D., Vallance, D. & Tarassenko, L.
"Signal-quality indices for the electrocardiogram and photoplethysmogram: derivation
and applications to wireless monitoring". IEEE J Biomed Health Inform 19:832-838, 2015.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lacrima.errors import SignalError
from lacrima.physio.beats import BeatDetection, detect_beats_detailed
from lacrima.physio.ibi import BeatFlag, correct_ibi

__all__ = ["ACCEPTABLE_QUALITY", "BeatFlag", "CardiacResult", "cardiac_quality", "process_cardiac"]

#: Lowest quality at which Orphanidou et al. (2015) accept a window, per signal kind.
ACCEPTABLE_QUALITY: dict[str, float] = {"ecg": 0.66, "ppg": 0.86}

_HR_RANGE_BPM = (40.0, 180.0)
_MAX_IBI_S = 3.0
_MAX_IBI_RATIO = 2.2
_SEGMENT_RR = 0.8
_SEGMENT_POINTS = 64


@dataclass(frozen=True)
class CardiacResult:
    """Beats, inter-beat intervals and signal quality of one cardiac channel.

    Per-beat arrays have one value per detected beat; an interval value at beat ``i``
    is the interval from beat ``i - 1`` to beat ``i``.

    Attributes
    ----------
    beats : numpy.ndarray
        int64 sample indices of the beats (R-peaks or systolic peaks).
    beat_times_s : numpy.ndarray
        Beat times in s from the first sample.
    ibi_ms : numpy.ndarray
        Measured inter-beat intervals in ms; NaN at the first beat and after a gap.
    ibi_clean_ms : numpy.ndarray
        Artifact-corrected intervals in ms (see :class:`~lacrima.physio.ibi.BeatFlag`);
        NaN where no interval ends (first beat, after a gap, at a removed extra beat).
    artifact_flags : numpy.ndarray
        int8 :class:`~lacrima.physio.ibi.BeatFlag` code per beat.
    quality_t_s : numpy.ndarray
        Centres of the quality windows in s.
    quality : numpy.ndarray
        Signal-quality index per window, 0 (unusable) to 1 (clean).
    fs_hz : float
        Sampling rate of the input in Hz.
    kind : str
        ``"ecg"`` or ``"ppg"``.
    """

    beats: np.ndarray
    beat_times_s: np.ndarray
    ibi_ms: np.ndarray
    ibi_clean_ms: np.ndarray
    artifact_flags: np.ndarray
    quality_t_s: np.ndarray
    quality: np.ndarray
    fs_hz: float
    kind: str

    @property
    def artifact_fraction(self) -> float:
        """Share of intervals flagged as anything but normal (gaps excluded); NaN if none."""
        flags = self.artifact_flags[self.artifact_flags != BeatFlag.GAP]
        return float(np.mean(flags != BeatFlag.NORMAL)) if flags.size else math.nan


def process_cardiac(signal: ArrayLike, fs: float, kind: str = "ecg") -> CardiacResult:
    """Detect beats, correct the inter-beat intervals and rate the signal quality.

    Parameters
    ----------
    signal : array_like
        1-D ECG or PPG samples in any unit; NaN marks missing samples.
    fs : float
        Sampling rate in Hz (ECG >= 50, PPG >= 10).
    kind : {"ecg", "ppg"}
        Signal type.

    Returns
    -------
    CardiacResult
        Beats, measured and corrected intervals with flags, and quality per 10 s window.
        A flat or all-NaN signal gives no beats and quality 0 in every window.

    Raises
    ------
    SignalError
        If ``signal`` is not 1-D, ``fs`` is not a valid rate for ``kind``, or ``kind``
        is unknown.

    References
    ----------
    Pan, J. & Tompkins, W. J. IEEE Trans Biomed Eng 32:230-236, 1985.
    Hamilton, P. S. & Tompkins, W. J. IEEE Trans Biomed Eng 33:1157-1165, 1986.
    Elgendi, M. et al. PLoS ONE 8:e76585, 2013.
    Lipponen, J. A. & Tarvainen, M. P. J Med Eng Technol 43:173-181, 2019.
    Orphanidou, C. et al. IEEE J Biomed Health Inform 19:832-838, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> fs = 250.0
    >>> t = np.arange(0, 30, 1 / fs)
    >>> ecg = np.exp(-(((t % 0.8) - 0.4) ** 2) / (2 * 0.01**2))
    >>> res = process_cardiac(ecg, fs)
    >>> round(float(np.nanmedian(res.ibi_clean_ms)))
    800
    """
    det = detect_beats_detailed(signal, fs, kind)
    beats = det.beats
    times = beats / det.fs_hz
    gap_before = np.zeros(beats.size, dtype=bool)
    if beats.size > 1 and det.missing.any():
        missing_before = np.concatenate(([0], np.cumsum(det.missing)))[beats]
        gap_before[1:] = np.diff(missing_before) > 0
    ibis = correct_ibi(times, gap_before=gap_before, resolution_s=1.0 / det.fs_hz)
    q_t, q = cardiac_quality(det, kind)
    return CardiacResult(
        beats=beats,
        beat_times_s=times,
        ibi_ms=ibis.ibi_ms,
        ibi_clean_ms=ibis.ibi_clean_ms,
        artifact_flags=ibis.flags,
        quality_t_s=q_t,
        quality=q,
        fs_hz=det.fs_hz,
        kind=kind,
    )


def cardiac_quality(
    detection: BeatDetection, kind: str, window_s: float = 10.0, step_s: float = 5.0
) -> tuple[np.ndarray, np.ndarray]:
    """Windowed signal-quality index of a cardiac signal (Orphanidou et al. 2015).

    Parameters
    ----------
    detection : BeatDetection
        Output of :func:`~lacrima.physio.beats.detect_beats_detailed`.
    kind : {"ecg", "ppg"}
        Signal type (only for validation; both use the same rules).
    window_s : float
        Window length in s; a whole multiple of ``step_s``.
    step_s : float
        Step between window starts in s.

    Returns
    -------
    tuple of numpy.ndarray
        ``(t_s, quality)``: window centres in s and the index (0..1) per window. A
        signal shorter than one window gets one window over its whole length; an empty
        signal gets none.

    Raises
    ------
    SignalError
        If ``kind`` is unknown or the window does not span a whole number of steps.

    References
    ----------
    Orphanidou, C. et al. IEEE J Biomed Health Inform 19:832-838, 2015.
    """
    if kind not in ACCEPTABLE_QUALITY:
        raise SignalError(f"kind must be one of {sorted(ACCEPTABLE_QUALITY)}; got {kind!r}")
    ratio = window_s / step_s if step_s > 0 else math.nan
    if not (math.isfinite(ratio) and ratio >= 1 and abs(ratio - round(ratio)) < 1e-9):
        raise SignalError(
            "window_s must be a whole multiple (>= 1) of step_s; got "
            f"window_s={window_s!r}, step_s={step_s!r}"
        )
    blocks_per_window = round(ratio)
    duration = detection.n_samples / detection.fs_hz
    if detection.n_samples == 0:
        return np.empty(0), np.empty(0)
    if duration <= window_s:
        starts = np.array([0.0])
        window_s = step_s = duration
        blocks_per_window = 1
    else:
        starts = np.arange(0.0, duration - window_s + 1e-9, step_s)
    centres = starts + window_s / 2.0
    quality = np.zeros(starts.size)
    times = detection.beats / detection.fs_hz
    if times.size < 2:
        return centres, quality

    feasible = _feasible(times, starts, window_s)
    corr = _template_correlation(detection, times, starts.size, step_s, blocks_per_window)
    quality[feasible] = np.clip(corr[feasible], 0.0, 1.0)
    if detection.missing.any():
        quality *= _valid_fraction(detection.missing, detection.fs_hz, starts, window_s)
    return centres, quality


def _valid_fraction(
    missing: np.ndarray, fs: float, starts: np.ndarray, window_s: float
) -> np.ndarray:
    """Share of non-missing samples in each window."""
    cum = np.concatenate(([0], np.cumsum(missing)))
    lo = np.clip(np.rint(starts * fs).astype(np.int64), 0, missing.size)
    hi = np.clip(np.rint((starts + window_s) * fs).astype(np.int64), 0, missing.size)
    n = np.maximum(hi - lo, 1)
    return 1.0 - (cum[hi] - cum[lo]) / n


def _feasible(times: np.ndarray, starts: np.ndarray, window_s: float) -> np.ndarray:
    """Orphanidou's rules on heart rate, longest interval and interval ratio per window."""
    lo = np.searchsorted(times, starts, side="left")
    hi = np.searchsorted(times, starts + window_s, side="left")
    count = hi - lo
    width = int(count.max()) + 2
    # Beat times per window, padded with the window edges: [start, beats..., end].
    col = np.arange(width)
    idx = lo[:, None] + col[None, :] - 1
    inside = (col[None, :] >= 1) & (col[None, :] <= count[:, None])
    t = np.where(inside, times[np.clip(idx, 0, times.size - 1)], np.nan)
    t[:, 0] = starts
    t[np.arange(starts.size), count + 1] = starts + window_s
    gaps = np.diff(t, axis=1)  # NaN beyond the window's own entries
    edge_ok = np.nanmax(gaps, axis=1) <= _MAX_IBI_S

    ibi = gaps[:, 1:]
    ibi = np.where(col[None, 1:-1] < count[:, None], ibi, np.nan)
    enough = count >= 3
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: no beats
        span = np.nansum(ibi, axis=1)
        hr = 60.0 * (count - 1) / span
        ratio = np.nanmax(ibi, axis=1) / np.nanmin(ibi, axis=1)
    ok = enough & edge_ok & (hr >= _HR_RANGE_BPM[0]) & (hr <= _HR_RANGE_BPM[1])
    return ok & (ratio <= _MAX_IBI_RATIO)


def _template_correlation(
    det: BeatDetection,
    times: np.ndarray,
    n_windows: int,
    step_s: float,
    blocks_per_window: int,
) -> np.ndarray:
    """Mean correlation of each window's beats with the window's mean beat."""
    band = det.band
    pos = np.rint(times * det.band_fs_hz).astype(np.int64)
    median_rr = float(np.median(np.diff(times)))
    half = max(2, round(0.5 * _SEGMENT_RR * median_rr * det.band_fs_hz))
    # At most _SEGMENT_POINTS samples per beat: plenty for the band-limited shapes.
    offsets = np.unique(np.rint(np.linspace(-half, half, _SEGMENT_POINTS)).astype(np.int64))
    idx = np.clip(pos[:, None] + offsets[None, :], 0, band.size - 1)
    seg = band[idx]
    seg -= seg.mean(axis=1, keepdims=True)

    # Sum of beats per step-long block; a window is ``blocks_per_window`` blocks.
    n_blocks = n_windows + blocks_per_window - 1
    block = np.floor(times / step_s).astype(np.int64)
    usable = block < n_blocks
    counts = np.bincount(block[usable], minlength=n_blocks).astype(np.float64)
    sums = np.zeros((n_blocks, seg.shape[1]))
    nonempty = np.flatnonzero(counts)
    first = np.searchsorted(block, nonempty)  # beats are sorted, so blocks are too
    sums[nonempty] = np.add.reduceat(seg[: int(usable.sum())], first, axis=0)
    csum = np.concatenate((np.zeros((1, seg.shape[1])), np.cumsum(sums, axis=0)))
    ccount = np.concatenate(([0.0], np.cumsum(counts)))
    w_sum = csum[blocks_per_window:] - csum[:-blocks_per_window]
    w_count = ccount[blocks_per_window:] - ccount[:-blocks_per_window]
    templates = w_sum / np.maximum(w_count, 1.0)[:, None]
    t_norm = np.linalg.norm(templates, axis=1)
    s_norm = np.linalg.norm(seg, axis=1)

    corr_sum = np.zeros(n_windows)
    corr_n = np.zeros(n_windows)
    for j in range(blocks_per_window):
        w = block - j
        ok = (w >= 0) & (w < n_windows)
        denom = s_norm[ok] * t_norm[w[ok]]
        r = np.einsum("ij,ij->i", seg[ok], templates[w[ok]])
        r = np.divide(r, denom, out=np.zeros_like(r), where=denom > 0)
        corr_sum += np.bincount(w[ok], weights=r.clip(0.0, 1.0), minlength=n_windows)
        corr_n += np.bincount(w[ok], minlength=n_windows)
    return np.divide(corr_sum, corr_n, out=np.zeros(n_windows), where=corr_n > 0)
