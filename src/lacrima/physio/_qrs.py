"""QRS detection in the ECG (private; the public entry is ``beats.detect_beats``).

Feature signal after Pan & Tompkins (1985): band-pass 5-15 Hz, five-point derivative,
rectification and a 150 ms moving-window integration (MWI). The derivative is rectified
by its absolute value, as in Hamilton (2002), rather than squared: the MWI then grows
linearly with QRS amplitude, so wide, low-slope ventricular beats are not lost next to
tall normal ones. Peak classification after the rules that Hamilton & Tompkins (1986)
found best on the MIT/BIH database:

- a MWI peak within 200 ms of a larger one is ignored (refractory period);
- detection threshold ``DT = NPL + TH * (QPL - NPL)`` from the medians of the last
  eight QRS peaks (QPL) and noise peaks (NPL), ``TH = 0.4``;
- a peak above DT within 360 ms of the previous QRS whose steepest slope is below half
  that of the previous QRS is a T-wave (Pan & Tompkins 1985);
- search-back: when no QRS has been found for 1.5 median RR intervals, the largest peak
  in that interval above DT / 2 is taken as a QRS;
- the QRS peak level is learnt from the largest peak of each of the first 8 seconds,
  the noise level from the peaks there below half that level.

Additions of our own, for long ambulatory recordings: a level floor relative to the
whole record (so flat or disconnected stretches do not drive the thresholds to zero);
re-learning of the QRS level from the last 8 s when no beat has been found for 3 s (so a
sudden drop in ECG amplitude, e.g. an electrode change, is followed); and, after each
beat is placed on its main deflection, a second 200 ms refractory check (two MWI peaks
of one wide complex can land on the same QRS). The choice of ``TH`` and of the
rectification is recorded in ``docs/decisions/0003-beat-detector-and-ibi-correction.md``.

References
----------
Pan, J. & Tompkins, W. J. "A real-time QRS detection algorithm". IEEE Trans Biomed Eng
32:230-236, 1985.
Hamilton, P. S. & Tompkins, W. J. "Quantitative investigation of QRS detection rules
using the MIT/BIH arrhythmia database". IEEE Trans Biomed Eng 33:1157-1165, 1986.
Hamilton, P. "Open source ECG analysis". Computers in Cardiology 29:101-104, 2002.
"""

from __future__ import annotations

import math
from bisect import insort
from collections import deque

import numpy as np
from scipy import ndimage
from scipy.signal import find_peaks

from lacrima.physio._beatutil import boxcar_decimate, refractory
from lacrima.physio.filters import bandpass

# Detection runs at fs / factor with factor = floor(fs / _TARGET_FS) (>= 200 Hz).
_TARGET_FS = 200.0
_BAND_HZ = (5.0, 15.0)
_MWI_S = 0.150
_REFRACTORY_S = 0.200
_T_WAVE_S = 0.360
_SLOPE_WIN_S = 0.075
_TH = 0.4
_SEARCHBACK_RR = 1.5
_SLOWEST_RR_S = 1.5
_LOST_S = 3.0
_LEARN_S = 8
_BUF = 8
_LEVEL_FLOOR = 0.02
# Half-width of the search for the QRS's main deflection around the MWI peak, and of the
# refinement at the input rate.
_FIDUCIAL_S = 0.080
_REFINE_S = 0.010


def detect(x: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Detect R-peaks in a finite, non-flat ECG.

    Parameters
    ----------
    x : numpy.ndarray
        1-D finite ECG samples (any unit).
    fs : float
        Sampling rate in Hz (>= 50).

    Returns
    -------
    tuple
        ``(beats, band, band_fs, factor)``: int64 R-peak indices at ``fs``, the 5-15 Hz
        band signal at ``band_fs`` with the dominant QRS polarity made positive, its rate
        in Hz and the decimation factor.
    """
    factor = max(1, int(fs // _TARGET_FS))
    fd = fs / factor
    xd = boxcar_decimate(x, factor)
    band = bandpass(xd, fd, _BAND_HZ[0], _BAND_HZ[1], order=2)
    deriv = _five_point_derivative(band, fd)
    mwi = ndimage.uniform_filter1d(np.abs(deriv), max(1, round(_MWI_S * fd)), mode="nearest")

    peaks, _ = find_peaks(mwi, distance=max(1, round(_REFRACTORY_S * fd)))
    if peaks.size == 0:
        return np.empty(0, dtype=np.int64), band, fd, factor
    heights = mwi[peaks]
    slopes = np.abs(deriv)[_window_index(peaks, round(_SLOPE_WIN_S * fd), mwi.size)].max(axis=1)

    per_second = _per_second_max(mwi, fd)
    floor = max(_LEVEL_FLOOR * float(np.median(per_second)), 1e-6 * float(per_second.max()))
    qrs = _classify(peaks, heights, slopes, per_second, floor, fd, mwi.size)
    if qrs.size == 0:
        return np.empty(0, dtype=np.int64), band, fd, factor

    beats_d, polarity = _main_deflection(band, qrs, round(_FIDUCIAL_S * fd))
    # Two MWI peaks of one wide complex can land on the same QRS: keep the stronger.
    order = np.argsort(beats_d, kind="stable")
    beats_d, polarity, qrs = beats_d[order], polarity[order], qrs[order]
    kept = np.isin(beats_d, refractory(beats_d, mwi[qrs], round(_REFRACTORY_S * fd)))
    beats_d, polarity = beats_d[kept], polarity[kept]
    beats = _refine(x, beats_d, polarity, factor, max(factor, round(_REFINE_S * fs)))
    dominant = 1.0 if np.count_nonzero(polarity > 0) * 2 >= polarity.size else -1.0
    return beats, band * dominant, fd, factor


def _five_point_derivative(y: np.ndarray, fs: float) -> np.ndarray:
    """Centred derivative ``(2y[n+1] + y[n+2] - y[n-2] - 2y[n-1]) * fs / 8`` (P&T 1985)."""
    p = np.pad(y, 2, mode="edge")
    return (2.0 * (p[3:-1] - p[1:-3]) + (p[4:] - p[:-4])) * (fs / 8.0)


def _window_index(centres: np.ndarray, half: int, n: int) -> np.ndarray:
    offsets = np.arange(-half, half + 1)
    return np.clip(centres[:, None] + offsets[None, :], 0, n - 1)


def _per_second_max(mwi: np.ndarray, fs: float) -> np.ndarray:
    """Maximum of the MWI in each whole second (the last partial second included)."""
    step = max(1, round(fs))
    n_sec = -(-mwi.size // step)
    padded = np.full(n_sec * step, -np.inf)
    padded[: mwi.size] = mwi
    return padded.reshape(n_sec, step).max(axis=1)


def _classify(
    peaks: np.ndarray,
    heights: np.ndarray,
    slopes: np.ndarray,
    per_second: np.ndarray,
    floor: float,
    fs: float,
    n: int,
) -> np.ndarray:
    """Sequential QRS / noise decision over MWI peaks (Hamilton & Tompkins 1986 rules).

    One pass over the candidate peaks (a few per beat). The state is kept in local
    variables, because this loop is the one per-peak Python loop of the detector:

    - ``qrs`` / ``noise`` / ``rr``: the last eight QRS peak heights, noise peak heights
      and RR intervals (samples), as running medians;
    - ``thr``: the detection threshold ``NPL + TH * (QPL - NPL)``;
    - ``anchor``: position of the last QRS; ``half_slope``: half its steepest slope;
    - ``searchback_after``: 1.5 median RR; until an RR is known, 1.5 times the longest
      RR of the rates we support (1.5 s at 40 bpm), so a slow heart is not mistaken for
      missed beats while the levels are still being learnt.

    Returns the MWI indices of the peaks classified as QRS.
    """
    pos: list[int] = peaks.tolist()
    hts: list[float] = heights.tolist()
    slp: list[float] = slopes.tolist()
    m = len(pos)
    t_wave = _T_WAVE_S * fs
    lost = _LOST_S * fs
    # First candidate considered by a search-back ending at peak i (or at the end).
    window_start = np.searchsorted(peaks, peaks - 2.0 * lost).tolist()
    window_start.append(int(np.searchsorted(peaks, n - 2.0 * lost)))

    qrs = _RunningMedian([max(v, floor) for v in per_second[:_LEARN_S].tolist()])
    qpl = max(qrs.median(), floor)
    # Noise level learnt from the same first seconds: peaks below half the QRS level.
    early = heights[peaks < _LEARN_S * fs]
    learnt = early[early < 0.5 * qpl][-_BUF:].tolist() or [0.0]
    noise_fifo: deque[float] = deque(learnt)
    noise_sorted = sorted(learnt)
    npl = _RunningMedian(learnt).median()
    rr = _RunningMedian([])
    min_thr = _TH * floor
    thr = max(npl + _TH * (qpl - npl), min_thr)
    detected: list[int] = []
    anchor = -math.inf
    half_slope = 0.0
    searchback_after = _SEARCHBACK_RR * _SLOWEST_RR_S * fs

    def accept(i: int) -> None:
        nonlocal anchor, half_slope, searchback_after, qpl, thr
        if detected:
            searchback_after = _SEARCHBACK_RR * rr.push(pos[i] - anchor)
        detected.append(i)
        anchor = float(pos[i])
        half_slope = 0.5 * slp[i]
        qpl = max(qrs.push(hts[i]), floor)
        thr = max(npl + _TH * (qpl - npl), min_thr)

    for i in range(m + 1):
        p = pos[i] if i < m else float(n)
        # Search-back: the largest peak above DT / 2 in an over-long interval (only the
        # last 2 * _LOST_S seconds are searched, which bounds the work without beats).
        while p - max(anchor, 0.0) > searchback_after:
            best = -1
            best_h = 0.5 * thr
            for j in range(max(detected[-1] + 1 if detected else 0, window_start[i]), i):
                if hts[j] > best_h and (pos[j] - anchor >= t_wave or slp[j] >= half_slope):
                    best, best_h = j, hts[j]
            if best >= 0:
                accept(best)
                continue
            if p - max(anchor, 0.0) > lost:
                # No beat for _LOST_S: re-learn the QRS level from the last 8 s.
                sec = int(p / fs)
                recent = per_second[max(0, sec - _LEARN_S) : max(sec, 1)].tolist()
                qrs = _RunningMedian([max(v, floor) for v in recent])
                qpl = max(qrs.median(), floor)
                thr = max(npl + _TH * (qpl - npl), min_thr)
            break
        if i == m:
            break
        h = hts[i]
        # Above threshold and not a T-wave (within 360 ms and less than half as steep).
        if h > thr and (p - anchor >= t_wave or slp[i] >= half_slope):
            accept(i)
        else:
            if len(noise_fifo) == _BUF:
                noise_sorted.remove(noise_fifo.popleft())
            noise_fifo.append(h)
            insort(noise_sorted, h)
            k = len(noise_sorted) // 2
            npl = (
                noise_sorted[k]
                if len(noise_sorted) % 2
                else 0.5 * (noise_sorted[k - 1] + noise_sorted[k])
            )
            thr = max(npl + _TH * (qpl - npl), min_thr)
    return peaks[np.asarray(detected, dtype=np.int64)]


class _RunningMedian:
    """Median of the last ``size`` values (a FIFO plus a sorted copy)."""

    __slots__ = ("fifo", "size", "sorted")

    def __init__(self, values: list[float], size: int = _BUF) -> None:
        self.size = size
        self.fifo: deque[float] = deque(values[-size:])
        self.sorted = sorted(self.fifo)

    def push(self, value: float) -> float:
        """Add ``value`` (dropping the oldest beyond ``size``) and return the median."""
        if len(self.fifo) == self.size:
            self.sorted.remove(self.fifo.popleft())
        self.fifo.append(value)
        insort(self.sorted, value)
        return self.median()

    def median(self) -> float:
        """Median of the values held (0 when empty)."""
        s = self.sorted
        if not s:
            return 0.0
        k = len(s) // 2
        return s[k] if len(s) % 2 else 0.5 * (s[k - 1] + s[k])


def _main_deflection(band: np.ndarray, qrs: np.ndarray, half: int) -> tuple[np.ndarray, np.ndarray]:
    """Place each beat on its main deflection, preferring the dominant polarity.

    For each QRS the largest positive and negative band-signal excursions within
    ``half`` samples are compared. The polarity held by most beats is used unless the
    opposite excursion is more than twice as large (e.g. a ventricular ectopic beat of
    opposite axis), so normal beats keep one consistent fiducial point (R or S) for IBIs.
    """
    idx = _window_index(qrs, half, band.size)
    seg = band[idx]
    pos_amp = seg.max(axis=1)
    neg_amp = -seg.min(axis=1)
    dominant = 1.0 if np.count_nonzero(pos_amp >= neg_amp) * 2 >= qrs.size else -1.0
    same, other = (pos_amp, neg_amp) if dominant > 0 else (neg_amp, pos_amp)
    polarity = np.where(same >= 0.5 * other, dominant, -dominant)
    rows = np.arange(qrs.size)
    best = np.argmax(seg * polarity[:, None], axis=1)
    return idx[rows, best].astype(np.int64), polarity


def _refine(
    x: np.ndarray, beats_d: np.ndarray, polarity: np.ndarray, factor: int, half: int
) -> np.ndarray:
    """Move each beat to the extremum (of its polarity) of the raw ECG near its position."""
    centres = beats_d * factor + (factor - 1) // 2
    idx = _window_index(centres, half, x.size)
    best = np.argmax(x[idx] * polarity[:, None], axis=1)
    return np.unique(idx[np.arange(idx.shape[0]), best]).astype(np.int64)
