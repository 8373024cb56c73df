"""Systolic peak detection in the PPG (private; the public entry is ``beats.detect_beats``).

Elgendi et al. (2013): band-pass 0.5-8 Hz (Butterworth, order 2, zero phase), clip the
negative part, square, and compare two moving averages: ``MA_peak`` over 111 ms (one
systolic wave) and ``MA_beat`` over 667 ms (one beat). Blocks where
``MA_peak > MA_beat + beta * mean(y)`` (``beta = 0.02``) and at least 111 ms wide are
blocks of interest; the systolic peak is the maximum of the filtered pulse in each.

Additions of our own:

- polarity from the pulse shape: the systolic upstroke lasts less than the decline, so
  the filtered pulse rises during fewer than half of the samples; if it rises during
  more, the sensor reports an inverted pulse and the signal is flipped;
- two peaks closer than a 250 ms refractory period (240 bpm) keep only the larger;
- a pulse (the smaller of the rise from the lowest point since the previous peak and
  the fall to the lowest point before the next) smaller than 0.2 times the running
  median of the surrounding 11 pulses is dropped: at slow rates and at the record's
  edges, where the beat-long moving average is low, small diastolic or noise bumps
  would otherwise pass;
- blocks cut by the record's edges are ignored;
- the peak is placed between samples by a parabola through the maximum and its two
  neighbours, then mapped to the input rate.

References
----------
Elgendi, M., Norton, I., Brearley, M., Abbott, D. & Schuurmans, D. "Systolic peak
detection in acceleration photoplethysmograms measured from emergency responders in
tropical conditions". PLoS ONE 8:e76585, 2013.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from lacrima.physio._beatutil import boxcar_decimate, refractory
from lacrima.physio.filters import bandpass

# Detection runs at fs / factor with factor = floor(fs / _TARGET_FS) (>= 50 Hz).
_TARGET_FS = 50.0
_BAND_HZ = (0.5, 8.0)
_W_PEAK_S = 0.111
_W_BEAT_S = 0.667
_BETA = 0.02
_REFRACTORY_S = 0.250
_AMPLITUDE_PEAKS = 11
_MIN_REL_AMPLITUDE = 0.2


def detect(x: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Detect systolic peaks in a finite, non-flat PPG.

    Parameters
    ----------
    x : numpy.ndarray
        1-D finite PPG samples (any unit).
    fs : float
        Sampling rate in Hz (>= 10).

    Returns
    -------
    tuple
        ``(beats, band, band_fs, factor)``: int64 systolic-peak indices at ``fs``, the
        0.5-8 Hz pulse at ``band_fs`` (upright), its rate in Hz and the decimation factor.
    """
    factor = max(1, int(fs // _TARGET_FS))
    fd = fs / factor
    xd = boxcar_decimate(x, factor)
    band = bandpass(xd, fd, _BAND_HZ[0], min(_BAND_HZ[1], 0.45 * fd), order=2)
    if _rising_fraction(band) > 0.5:
        band = -band

    y = np.clip(band, 0.0, None)
    y *= y
    w_peak = max(1, round(_W_PEAK_S * fd))
    ma_peak = ndimage.uniform_filter1d(y, w_peak, mode="nearest")
    ma_beat = ndimage.uniform_filter1d(y, max(1, round(_W_BEAT_S * fd)), mode="nearest")
    blocks = ma_peak > ma_beat + _BETA * float(y.mean())

    edges = np.diff(blocks.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    # Blocks cut by the record's edges hold no complete systolic wave. Elgendi et al.
    # reject blocks narrower than W1 (111 ms); at the ~50 Hz detection rate a width is
    # known only to one sample, so a block one sample short of W1 (a narrow systolic
    # wave at 170-180 bpm) is kept.
    keep = (stops - starts >= max(1, w_peak - 1)) & (starts > 0) & (stops < blocks.size)
    starts, stops = starts[keep], stops[keep]
    if starts.size == 0:
        return np.empty(0, dtype=np.int64), band, fd, factor

    peaks = _block_maxima(band, starts, stops)
    # A maximum on the edge of the record is a truncated pulse, not a systolic peak.
    peaks = peaks[(peaks > 0) & (peaks < band.size - 1)]
    peaks = peaks[(band[peaks] >= band[peaks - 1]) & (band[peaks] >= band[peaks + 1])]
    if peaks.size == 0:
        return np.empty(0, dtype=np.int64), band, fd, factor
    peaks = refractory(peaks, band[peaks], max(1, round(_REFRACTORY_S * fd)))
    # Small bumps pass Elgendi's threshold where MA_beat is low (long diastole at slow
    # rates, record edges): keep pulses of at least _MIN_REL_AMPLITUDE of the running
    # median pulse amplitude (11 pulses), which follows slow amplitude changes.
    if peaks.size >= 3:
        # Pulse amplitude: the smaller of the rise from the lowest point since the
        # previous peak and the fall to the lowest point before the next one.
        lows = np.minimum.reduceat(band, np.concatenate(([0], peaks)))
        amp = band[peaks] - np.maximum(lows[:-1], lows[1:])
        typical = ndimage.median_filter(amp, size=_AMPLITUDE_PEAKS, mode="mirror")
        peaks = peaks[amp >= _MIN_REL_AMPLITUDE * typical]
    frac = _parabolic_offset(band, peaks)
    beats = np.rint((peaks + frac) * factor + (factor - 1) / 2.0).astype(np.int64)
    return np.unique(np.clip(beats, 0, x.size - 1)), band, fd, factor


def _rising_fraction(band: np.ndarray) -> float:
    """Fraction of samples where the pulse rises (below 0.5 for an upright PPG)."""
    d = np.diff(band)
    moving = d != 0
    if not moving.any():
        return 0.0
    return float(np.count_nonzero(d > 0)) / float(np.count_nonzero(moving))


def _block_maxima(band: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Index of the (first) maximum of ``band`` within each ``[start, stop)`` block."""
    lengths = stops - starts
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    block = np.repeat(np.arange(starts.size), lengths)
    idx = np.arange(int(lengths.sum())) - np.repeat(offsets - starts, lengths)
    vals = band[idx]
    top = np.maximum.reduceat(vals, offsets)
    hits = np.flatnonzero(vals == top[block])
    _, first = np.unique(block[hits], return_index=True)
    return idx[hits[first]]


def _parabolic_offset(y: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """Sub-sample offset (-0.5..0.5) of each maximum from a parabola through 3 samples."""
    inner = (peaks > 0) & (peaks < y.size - 1)
    frac = np.zeros(peaks.size)
    p = peaks[inner]
    a, b, c = y[p - 1], y[p], y[p + 1]
    denom = a - 2.0 * b + c
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.where(denom < 0, 0.5 * (a - c) / denom, 0.0)
    frac[inner] = np.clip(off, -0.5, 0.5)
    return frac
